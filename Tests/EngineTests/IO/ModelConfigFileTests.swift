import DuetCore
import Foundation
import Testing
@testable import Engine

@Suite struct ModelConfigFileTests {
    func parse(_ text: String) throws -> ModelConfig { try ModelConfigFile.parse(Data(text.utf8), file: "config.json") }

    func gemma2(_ text: String) throws -> Gemma2Config {
        guard case let .gemma2(c) = try parse(text) else { throw CheckpointError.missingFile(file: "not gemma2") }
        return c
    }

    /// The config error for `text`: its field, or nil when it parses.
    func failingField(_ text: String) -> String? {
        guard case let .config(file, field, _)? = checkpointError({ _ = try parse(text) }) else { return nil }
        return file == "config.json" ? field : "wrong file \(file)"
    }

    /// The gemma-2-2b-it config.json as shipped before transformers 5 (t5gemma-reference.md §2.1).
    let shipped2B = """
    {"architectures": ["Gemma2ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
     "attn_logit_softcapping": 50.0, "bos_token_id": 2, "cache_implementation": "hybrid", "eos_token_id": [1, 107],
     "final_logit_softcapping": 30.0, "head_dim": 256, "hidden_act": "gelu_pytorch_tanh",
     "hidden_activation": "gelu_pytorch_tanh", "hidden_size": 2304, "initializer_range": 0.02,
     "intermediate_size": 9216, "max_position_embeddings": 8192, "model_type": "gemma2", "num_attention_heads": 8,
     "num_hidden_layers": 26, "num_key_value_heads": 4, "pad_token_id": 0, "query_pre_attn_scalar": 256,
     "rms_norm_eps": 1e-06, "rope_theta": 10000.0, "sliding_window": 4096, "torch_dtype": "bfloat16",
     "transformers_version": "4.42.4", "use_cache": true, "vocab_size": 256000}
    """

    @Test func shippedGemma2Config() throws {
        let c = try gemma2(shipped2B)
        #expect(c == Gemma2Config(eosTokenIDs: [1, 107], torchDtype: .bf16))
        #expect(c.layerTypes.count == 26 && c.layerTypes[0] == .sliding && c.layerTypes[1] == .full)
    }

    @Test func toleratedVariants() throws {
        let minimal = #"{"model_type":"gemma2","hidden_size":64,"num_attention_heads":4,"num_key_value_heads":2,"num_hidden_layers":3}"#
        let m = try gemma2(minimal)
        #expect(m.headDim == 256)                      // head_dim absent -> Gemma2Config's default
        #expect(m.queryPreAttnScalar == 256)           // query_pre_attn_scalar absent -> 256, likewise
        #expect(m.layerTypes == [.sliding, .full, .sliding])
        #expect(m.attnLogitSoftcap == 50 && m.finalLogitSoftcap == 30)
        #expect(m.eosTokenIDs == [1] && m.slidingWindow == 4096 && m.ropeTheta == 10_000)
        #expect(m.torchDtype == nil && m.hiddenActivation == "gelu_pytorch_tanh")

        let v5 = #"""
        {"model_type":"gemma2","hidden_size":64,"num_attention_heads":4,"num_key_value_heads":2,"num_hidden_layers":2,
         "rope_parameters":{"rope_theta":500.0,"rope_type":"default"},"hidden_act":"gelu_new","dtype":"float16",
         "eos_token_id":3,"attn_logit_softcapping":null,"final_logit_softcapping":null,"sliding_window":null,
         "layer_types":["full_attention","full_attention"],"query_pre_attn_scalar":144,"head_dim":32}
        """#
        let c = try gemma2(v5)
        #expect(c.ropeTheta == 500 && c.hiddenActivation == "gelu_new" && c.torchDtype == .f16)
        #expect(c.eosTokenIDs == [3] && c.attnLogitSoftcap == nil && c.finalLogitSoftcap == nil)
        #expect(c.slidingWindow == nil && c.layerTypes == [.full, .full])
        #expect(c.queryPreAttnScalar == 144 && c.headDim == 32)
        #expect(try gemma2(#"{"model_type":"gemma2","eos_token_id":null}"#).eosTokenIDs == [])
    }

    @Test func strictAboutWhatChangesTheMath() throws {
        let base = #""model_type":"gemma2","hidden_size":64,"num_attention_heads":4,"num_key_value_heads":2,"num_hidden_layers":2"#
        #expect(failingField(#"{"model_type":"llama"}"#) == "model_type")
        #expect(failingField(#"{"hidden_size":64}"#) == "model_type")
        #expect(failingField("{\(base),\"layer_types\":[\"full_attention\"]}") == "layer_types")
        #expect(failingField("{\(base),\"layer_types\":[\"full_attention\",\"chunked\"]}") == "layer_types")
        #expect(failingField(#"{"model_type":"gemma2","num_attention_heads":8,"num_key_value_heads":3}"#) == "num_key_value_heads")
        #expect(failingField("{\(base),\"hidden_size\":0}") == "hidden_size")
        #expect(failingField("{\(base),\"intermediate_size\":-1}") == "intermediate_size")
        #expect(failingField("{\(base),\"head_dim\":\"8\"}") == "head_dim")
        #expect(failingField("{\(base),\"num_hidden_layers\":true}") == "num_hidden_layers")
        #expect(failingField("{\(base),\"num_hidden_layers\":2.5}") == "num_hidden_layers")
        #expect(failingField("{\(base),\"sliding_window\":0}") == "sliding_window")
        #expect(failingField("{\(base),\"rms_norm_eps\":0}") == "rms_norm_eps")
        #expect(failingField("{\(base),\"attn_logit_softcapping\":0}") == "attn_logit_softcapping")
        #expect(failingField("{\(base),\"rope_scaling\":{\"type\":\"linear\",\"factor\":2}}") == "rope_scaling")
        #expect(failingField("{\(base),\"rope_parameters\":{\"rope_type\":\"yarn\"}}") == "rope_parameters.rope_type")
        #expect(failingField("{\(base),\"attention_bias\":true}") == "attention_bias")
        // An activation Duet does not compute is refused, not replaced by GeGLU-tanh.
        #expect(failingField("{\(base),\"hidden_activation\":\"relu\"}") == "hidden_activation")
        #expect(failingField("{\(base),\"hidden_act\":\"gelu\"}") == "hidden_act")
        #expect(failingField("{\(base),\"hidden_activation\":\"gelu_new\"}") == nil)
        #expect(failingField("{\(base),\"use_bidirectional_attention\":true}") == "use_bidirectional_attention")
        #expect(failingField("{\(base),\"eos_token_id\":[1,\"x\"]}") == "eos_token_id")
        #expect(failingField("{\(base),\"bos_token_id\":-1}") == "bos_token_id")
        #expect(failingField("{\(base),\"vocab_size\":10,\"eos_token_id\":[1,107]}") == "eos_token_id")
        #expect(failingField("[1]") == "(root)")
        #expect(failingField("{\"model_type\":") == "(root)")
    }

    let t5 = """
    {"model_type":"t5gemma","vocab_size":128,"eos_token_id":[1,107],"torch_dtype":"bfloat16","tie_word_embeddings":true,
     "encoder":{"hidden_size":32,"intermediate_size":64,"num_hidden_layers":2,"num_attention_heads":2,"num_key_value_heads":2,
                "head_dim":16,"rope_theta":10000.0},
     "decoder":{"hidden_size":48,"intermediate_size":64,"num_hidden_layers":3,"num_attention_heads":3,"num_key_value_heads":1,
                "head_dim":16,"cross_attention_hidden_size":32,"eos_token_id":1}}
    """

    @Test func t5gemmaSubConfigsAndTopLevelTokens() throws {
        guard case let .t5gemma(c) = try parse(t5) else { Issue.record("not t5gemma"); return }
        #expect(c.encoder.vocabSize == 128 && c.decoder.vocabSize == 128)  // inherited from the top level
        #expect(c.encoder.hiddenSize == 32 && c.decoder.hiddenSize == 48 && c.decoder.numLayers == 3)
        #expect(c.decoder.crossAttentionHiddenSize == 32 && c.encoder.crossAttentionHiddenSize == nil)
        #expect(c.eosTokenIDs == [1, 107] && c.decoder.eosTokenIDs == [1])
        #expect(c.torchDtype == .bf16 && c.encoder.torchDtype == .bf16 && c.decoder.torchDtype == .bf16)
        // cross_attention_hidden_size absent -> the encoder's hidden size
        let noCross = t5.replacingOccurrences(of: #""cross_attention_hidden_size":32,"#, with: "")
        guard case let .t5gemma(d) = try parse(noCross) else { Issue.record("not t5gemma"); return }
        #expect(d.decoder.crossAttentionHiddenSize == 32)
    }

    @Test func t5gemmaErrorsNameTheSubConfig() throws {
        #expect(failingField(t5.replacingOccurrences(of: #""cross_attention_hidden_size":32"#, with: #""cross_attention_hidden_size":48"#))
                == "decoder.cross_attention_hidden_size")
        #expect(failingField(t5.replacingOccurrences(of: #""num_key_value_heads":1"#, with: #""num_key_value_heads":2"#))
                == "decoder.num_key_value_heads")
        #expect(failingField(#"{"model_type":"t5gemma","decoder":{}}"#) == "encoder")
        #expect(failingField(#"{"model_type":"t5gemma","encoder":{},"decoder":3}"#) == "decoder")
        #expect(failingField(t5.replacingOccurrences(of: #""vocab_size":128"#, with: #""vocab_size":0"#)) == "encoder.vocab_size")
    }

    @Test func missingConfigFile() throws {
        let dir = TemporaryDirectory()
        let error = checkpointError { _ = try ModelConfigFile.load(directory: dir.url) }
        #expect(error?.kind == "missingFile")
        #expect(error?.description.contains(dir.fileURL("config.json").path) == true)
    }

    @Test func encodeRoundTripsAndLooksLikeTransformers() throws {
        for config in [try parse(shipped2B), try parse(t5), try ModelConfigFile.load(directory: CheckpointFixtures.t5gemma),
                       .gemma2(Gemma2Config(slidingWindow: nil, attnLogitSoftcap: nil, finalLogitSoftcap: nil))] {
            for dtype in DType.floatingPoint {
                let data = try ModelConfigFile.encode(config, dtype: dtype)
                #expect(try ModelConfigFile.parse(data, file: "x") == config.withTorchDtype(dtype))
                let json = try JSONParser.parse(data)
                #expect(json["torch_dtype"] == .string(dtype.torchName) && json["dtype"] == .string(dtype.torchName))
                #expect(json["architectures"] == .array([.string(config.architecture)]))
                guard case let .object(members) = json else { continue }
                #expect(members.map(\.0) == members.map(\.0).sorted())  // sort_keys=True, like save_pretrained
            }
        }
        let text = String(decoding: try ModelConfigFile.encode(try parse(shipped2B), dtype: .bf16), as: UTF8.self)
        #expect(text.contains("\n  \"rms_norm_eps\": 1e-06,\n"))
        #expect(text.contains("\"query_pre_attn_scalar\": 256,"))
        #expect(text.contains("\"rope_theta\": 10000.0,"))
    }

    @Test func encodeRefusesInconsistentConfigs() throws {
        var c = Gemma2Config(numHeads: 8, numKVHeads: 3)
        #expect(checkpointError { _ = try ModelConfigFile.encode(.gemma2(c), dtype: .f32) }?.kind == "config")
        c = Gemma2Config(numLayers: 4, layerTypes: [.full])
        #expect(checkpointError { _ = try ModelConfigFile.encode(.gemma2(c), dtype: .f32) }?.kind == "config")
    }

    @Test func generationConfigParsesAndEncodes() throws {
        let text = #"{"bos_token_id":2,"eos_token_id":[1,107],"pad_token_id":0,"do_sample":true,"temperature":0.7,"top_k":64,"top_p":0.95,"max_new_tokens":256,"cache_implementation":"hybrid"}"#
        let g = try GenerationConfig.parse(Data(text.utf8), file: "generation_config.json")
        #expect(g == GenerationConfig(eosTokenIDs: [1, 107], bosTokenID: 2, padTokenID: 0, doSample: true,
                                      temperature: 0.7, topK: 64, topP: 0.95, maxNewTokens: 256))
        #expect(try GenerationConfig.parse(try g.encode(), file: "x") == g)
        #expect(String(decoding: try g.encode(), as: UTF8.self).contains("\"temperature\": 0.7,"))
        let single = try GenerationConfig.parse(Data(#"{"eos_token_id":1}"#.utf8), file: "x")
        #expect(single.eosTokenIDs == [1] && single.temperature == nil && single.doSample == nil)
        for bad in [#"{"top_p":1.5}"#, #"{"temperature":-1}"#, #"{"top_k":"5"}"#, #"{"do_sample":1}"#, #"{"eos_token_id":"x"}"#] {
            let error = checkpointError { _ = try GenerationConfig.parse(Data(bad.utf8), file: "gen.json") }
            #expect(error?.kind == "config", "\(bad)")
        }
    }
}
