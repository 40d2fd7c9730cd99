import DuetCore
import Foundation
import Tokenizers

extension ModelConfigFile {
    /// config.json text that transformers loads as `Gemma2ForCausalLM` or
    /// `T5GemmaForConditionalGeneration`, laid out as `save_pretrained` writes it (keys sorted, indent
    /// 2). The dtype goes in both `dtype` (transformers 5) and `torch_dtype` (4.x), and RoPE in both
    /// `rope_parameters` and `rope_theta`, so either generation of transformers reads the file.
    public static func encode(_ config: ModelConfig, dtype: DType) throws -> Data {
        guard DType.floatingPoint.contains(dtype) else {
            throw CheckpointError.config(file: fileName, field: "dtype", reason: "a model computes in f32, bf16 or f16, not \(dtype.torchName)")
        }
        var members: [(String, JSONValue)]
        switch config {
        case let .gemma2(c):
            try check(c, field: "")
            members = stackMembers(c) + [
                ("architectures", .array([.string(config.architecture)])),
                ("model_type", .string(config.modelType)),
                ("use_bidirectional_attention", .null),
            ]
        case let .t5gemma(c) where c.t5gemma2 != nil:
            members = try t5gemma2Members(c)
        case let .t5gemma(c):
            try check(c.encoder, field: "encoder.")
            try check(c.decoder, field: "decoder.")
            var encoder = stackMembers(c.encoder) + [("is_decoder", .bool(false)), ("dropout_rate", .double(0))]
            var decoder = stackMembers(c.decoder) + [
                ("is_decoder", .bool(true)), ("dropout_rate", .double(0)),
                ("cross_attention_hidden_size", .int(c.decoder.crossAttentionHiddenSize ?? c.encoder.hiddenSize)),
            ]
            encoder.append(("model_type", .string("t5_gemma_module")))
            decoder.append(("model_type", .string("t5_gemma_module")))
            members = [
                ("architectures", .array([.string(config.architecture)])),
                ("attention_dropout", .double(0)),
                ("bos_token_id", .int(Int(c.bosTokenID))),
                ("classifier_dropout_rate", .double(0)),
                ("decoder", sortedObject(decoder)),
                ("dropout_rate", .double(0)),
                ("encoder", sortedObject(encoder)),
                ("eos_token_id", tokenIDs(c.eosTokenIDs)),
                ("initializer_range", .double(0.02)),
                ("is_encoder_decoder", .bool(true)),
                ("model_type", .string("t5gemma")),
                ("pad_token_id", .int(Int(c.padTokenID))),
                ("tie_word_embeddings", .bool(c.tieWordEmbeddings)),
                ("vocab_size", .int(c.decoder.vocabSize)),
            ]
        }
        members.append(("dtype", .string(dtype.torchName)))
        members.append(("torch_dtype", .string(dtype.torchName)))
        let data = JSONWriter.data(sortedObject(members))
        // What Duet writes it must read back identically.
        guard try parse(data, file: fileName) == config.withTorchDtype(dtype).withVisionConfigWritten else {
            throw CheckpointError.config(file: fileName, field: "(root)", reason: "config does not survive a round trip")
        }
        return data
    }

    /// T5Gemma 2 as transformers 5 writes it: the encoder's text stack under `encoder.text_config` beside
    /// the `vision_config` the checkpoint came with (or a minimal SigLIP one, whose tower transformers
    /// then initialises at random: Duet never stores vision weights it did not read).
    private static func t5gemma2Members(_ c: T5GemmaConfig) throws -> [(String, JSONValue)] {
        guard let t = c.t5gemma2 else { preconditionFailure("not a T5Gemma 2 config") }
        try check(c.encoder, field: "encoder.text_config.")
        try check(c.decoder, field: "decoder.")
        let vision = try JSONParser.parse(Data((t.visionConfigJSON ?? T5Gemma2Text.minimalVisionConfig).utf8))
        let text = stackMembers(c.encoder) + [("dropout_rate", .double(0)), ("model_type", .string("t5gemma2_text"))]
        let encoder: [(String, JSONValue)] = [
            ("boi_token_index", .int(Int(t.boiTokenIndex))),
            ("eoi_token_index", .int(Int(t.eoiTokenIndex))),
            ("image_token_index", .int(Int(t.imageTokenIndex))),
            ("initializer_range", .double(0.02)),
            ("mm_tokens_per_image", .int(t.mmTokensPerImage)),
            ("model_type", .string("t5gemma2_encoder")),
            ("text_config", sortedObject(text)),
            ("tie_word_embeddings", .bool(true)),
            ("vision_config", vision),
        ]
        let decoder = stackMembers(c.decoder) + [("dropout_rate", .double(0)), ("model_type", .string("t5gemma2_decoder"))]
        return [
            ("architectures", .array([.string(ModelConfig.t5gemma(c).architecture)])),
            ("attention_dropout", .double(0)),
            ("bos_token_id", .int(Int(c.bosTokenID))),
            ("classifier_dropout_rate", .double(0)),
            ("decoder", sortedObject(decoder)),
            ("dropout_rate", .double(0)),
            ("encoder", .object(encoder)),
            ("eoi_token_index", .int(Int(t.eoiTokenIndex))),
            ("eos_token_id", tokenIDs(c.eosTokenIDs)),
            ("initializer_range", .double(0.02)),
            ("is_encoder_decoder", .bool(true)),
            ("model_type", .string("t5gemma2")),
            ("pad_token_id", .int(Int(c.padTokenID))),
            ("tie_word_embeddings", .bool(true)),
            ("vocab_size", .int(c.decoder.vocabSize)),
        ]
    }

    /// The fields a Gemma2Config and a T5Gemma module config share.
    private static func stackMembers(_ c: Gemma2Config) -> [(String, JSONValue)] {
        [
            ("attention_bias", .bool(false)),
            ("attention_dropout", .double(0)),
            ("attn_logit_softcapping", c.attnLogitSoftcap.map(number) ?? .null),
            ("bos_token_id", .int(Int(c.bosTokenID))),
            ("eos_token_id", tokenIDs(c.eosTokenIDs)),
            ("final_logit_softcapping", c.finalLogitSoftcap.map(number) ?? .null),
            ("head_dim", .int(c.headDim)),
            ("hidden_activation", .string(c.hiddenActivation)),
            ("hidden_size", .int(c.hiddenSize)),
            ("initializer_range", .double(0.02)),
            ("intermediate_size", .int(c.intermediateSize)),
            ("layer_types", .array(c.layerTypes.map { .string($0.rawValue) })),
            ("max_position_embeddings", .int(c.maxPositionEmbeddings)),
            ("num_attention_heads", .int(c.numHeads)),
            ("num_hidden_layers", .int(c.numLayers)),
            ("num_key_value_heads", .int(c.numKVHeads)),
            ("pad_token_id", .int(Int(c.padTokenID))),
            ("query_pre_attn_scalar", number(c.queryPreAttnScalar, integral: true)),
            ("rms_norm_eps", number(c.rmsNormEps)),
        ] + ropeMembers(c) + [
            ("sliding_window", c.slidingWindow.map { .int($0) } ?? .null),
            ("tie_word_embeddings", .bool(c.tieWordEmbeddings)),
            ("use_cache", .bool(true)),
            ("vocab_size", .int(c.vocabSize)),
        ]
    }

    /// RoPE as both generations of transformers read it: Gemma 2 one base; Gemma 3 one per layer type
    /// (transformers 5's `rope_parameters`) and the Hub's `rope_theta` / `rope_local_base_freq` / `rope_scaling`.
    private static func ropeMembers(_ c: Gemma2Config) -> [(String, JSONValue)] {
        func entry(_ theta: Float, _ factor: Float?) -> JSONValue {
            guard let factor else { return .object([("rope_theta", number(theta)), ("rope_type", .string("default"))]) }
            return .object([("factor", number(factor)), ("rope_theta", number(theta)), ("rope_type", .string("linear"))])
        }
        guard let g = c.gemma3 else {
            return [("rope_parameters", entry(c.ropeTheta, nil)), ("rope_theta", number(c.ropeTheta))]
        }
        return [
            ("rope_local_base_freq", number(g.slidingRopeTheta)),
            ("rope_parameters", .object([("full_attention", entry(c.ropeTheta, g.fullRopeFactor)),
                                         ("sliding_attention", entry(g.slidingRopeTheta, g.slidingRopeFactor))])),
            ("rope_scaling", g.fullRopeFactor.map { .object([("factor", number($0)), ("rope_type", .string("linear"))]) } ?? .null),
            ("rope_theta", number(c.ropeTheta)),
        ]
    }

    /// Refuses configs transformers would build differently from what Duet computes.
    private static func check(_ c: Gemma2Config, field prefix: String) throws {
        func bad(_ field: String, _ reason: String) -> CheckpointError {
            .config(file: fileName, field: prefix + field, reason: reason)
        }
        guard c.layerTypes.count == c.numLayers else {
            throw bad("layer_types", "has \(c.layerTypes.count) entries but num_hidden_layers is \(c.numLayers)")
        }
        for (field, n) in [("vocab_size", c.vocabSize), ("hidden_size", c.hiddenSize), ("intermediate_size", c.intermediateSize),
                           ("num_hidden_layers", c.numLayers), ("num_attention_heads", c.numHeads),
                           ("num_key_value_heads", c.numKVHeads), ("head_dim", c.headDim)] where n <= 0 {
            throw bad(field, "must be positive, found \(n)")
        }
        guard c.numHeads % c.numKVHeads == 0 else {
            throw bad("num_key_value_heads", "\(c.numKVHeads) does not divide num_attention_heads (\(c.numHeads))")
        }
    }

    /// A Float as the shortest decimal that reads back as the same Float (`1e-06`, not
    /// `9.999999974752427e-07`); integral values as integers when `integral` (transformers types
    /// `query_pre_attn_scalar` as int).
    private static func number(_ x: Float, integral: Bool) -> JSONValue {
        if integral, x == x.rounded(), abs(x) < 1e15 { return .int(Int(x)) }
        return .double(Double("\(x)")!)
    }

    private static func number(_ x: Float) -> JSONValue { number(x, integral: false) }

    private static func tokenIDs(_ ids: [TokenID]) -> JSONValue {
        ids.count == 1 ? .int(Int(ids[0])) : .array(ids.map { .int(Int($0)) })
    }

    private static func sortedObject(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(members.sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) })
    }
}

extension ModelConfig {
    /// The config as written to config.json: a T5Gemma 2 without a vision config gets the minimal one.
    var withVisionConfigWritten: ModelConfig {
        guard case var .t5gemma(c) = self, c.t5gemma2 != nil, c.t5gemma2?.visionConfigJSON == nil else { return self }
        c.t5gemma2?.visionConfigJSON = T5Gemma2Text.minimalVisionConfig
        return .t5gemma(c)
    }

    /// The same config declaring `dtype` as its checkpoint dtype.
    public func withTorchDtype(_ dtype: DType?) -> ModelConfig {
        switch self {
        case var .gemma2(c):
            c.torchDtype = dtype
            return .gemma2(c)
        case var .t5gemma(c):
            c.torchDtype = dtype
            c.encoder.torchDtype = dtype
            c.decoder.torchDtype = dtype
            return .t5gemma(c)
        }
    }
}
