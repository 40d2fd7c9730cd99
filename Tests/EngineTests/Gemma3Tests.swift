import Foundation
import Testing
@testable import Engine

/// What Gemma 3 (text) adds to Gemma 2: its config.json in both generations of transformers, the
/// per-head query/key norms' backward against finite differences, and what Duet refuses.
@Suite struct Gemma3Tests {
    func parse(_ text: String) throws -> ModelConfig { try ModelConfigFile.parse(Data(text.utf8), file: "config.json") }

    /// A config.json as the Hub has it for gemma-3-4b-style text models (before transformers 5):
    /// `rope_theta`, `rope_local_base_freq`, `rope_scaling`, `sliding_window_pattern`, no `layer_types`.
    @Test func readsTheHubsGemma3TextConfig() throws {
        let config = try parse("""
            {"model_type": "gemma3_text", "architectures": ["Gemma3ForCausalLM"], "hidden_size": 64,
             "intermediate_size": 128, "num_hidden_layers": 12, "num_attention_heads": 4, "num_key_value_heads": 2,
             "head_dim": 16, "query_pre_attn_scalar": 16, "rope_theta": 1000000.0, "rope_local_base_freq": 10000.0,
             "rope_scaling": {"rope_type": "linear", "factor": 8.0}, "sliding_window": 512,
             "sliding_window_pattern": 6, "attn_logit_softcapping": 50.0, "final_logit_softcapping": null,
             "vocab_size": 1000}
            """)
        guard case let .gemma2(c) = config else { Issue.record("not decoder-only"); return }
        #expect(c.gemma3 == Gemma3Text(slidingRopeTheta: 10_000, slidingRopeFactor: nil, fullRopeFactor: 8))
        #expect(c.ropeTheta == 1_000_000)
        #expect(c.layerTypes == (0..<12).map { ($0 + 1) % 6 == 0 ? .full : .sliding })
        // transformers' Gemma 3 attention never applies a soft-cap, whatever the file says.
        #expect(c.attnLogitSoftcap == nil && c.finalLogitSoftcap == nil)
        #expect(config.modelType == "gemma3_text" && config.architecture == "Gemma3ForCausalLM")
        // Defaults are Gemma3TextConfig's: vocabulary 262,208, 131,072 positions, no final cap.
        guard case let .gemma2(d) = try parse(#"{"model_type": "gemma3_text"}"#) else { return }
        #expect(d.vocabSize == 262_208 && d.maxPositionEmbeddings == 131_072 && d.finalLogitSoftcap == nil)
        #expect(d.gemma3 == Gemma3Text() && d.ropeTheta == 1_000_000)
        // RoPE frequencies: sliding layers their own base; full layers scaled linearly.
        #expect(c.rope(for: .sliding).inverseFrequencies == RoPE(headDim: 16, theta: 10_000).inverseFrequencies)
        #expect(c.rope(for: .full).inverseFrequencies == RoPE(headDim: 16, theta: 1_000_000).inverseFrequencies.map { $0 / 8 })
    }

    @Test func writesAConfigBothTransformersGenerationsReadAndReadsItBack() throws {
        let golden = try ModelGolden("gemma3-qknorm")
        let config = try ModelConfigFile.load(directory: golden.directory)
        let data = try ModelConfigFile.encode(config, dtype: .bf16)
        #expect(try ModelConfigFile.parse(data, file: "x") == config.withTorchDtype(.bf16))
        let text = String(decoding: data, as: UTF8.self)
        for key in ["\"model_type\": \"gemma3_text\"", "\"Gemma3ForCausalLM\"", "\"rope_local_base_freq\"", "\"full_attention\": {",
                    "\"rope_scaling\": {"] {
            #expect(text.contains(key), "\(key) missing from \(text)")
        }
    }

    @Test func refusesWhatItCannotComputeExactly() throws {
        #expect(throws: CheckpointError.self) { try parse(#"{"model_type": "gemma3", "text_config": {}}"#) }
        #expect(throws: CheckpointError.self) {
            try parse(#"{"model_type": "gemma3_text", "rope_scaling": {"rope_type": "yarn", "factor": 4.0}}"#)
        }
        #expect(throws: CheckpointError.self) { try parse(#"{"model_type": "gemma3_text", "use_bidirectional_attention": true}"#) }
        // duet adapt: Gemma 3 becomes T5Gemma 2 and Gemma 2 T5Gemma; a pair of one each is neither.
        let golden = try ModelGolden("gemma3-qknorm"), gemma2 = try ModelGolden("gemma2-gqa")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("duet-gemma3-adapt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        #expect { try Adaptation.adapt(decoderFrom: golden.directory, encoderFrom: gemma2.directory, to: out) } throws: { error in
            "\(error)".contains("not both Gemma 2 or both Gemma 3")
        }
        #expect { try Adaptation.adapt(decoderFrom: golden.directory, crossAttention: .random, to: out) } throws: { error in
            "\(error)".contains("no cross-attention weights")
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// The backward through the per-head q/k norms (and the RoPEs around them), checked by central
    /// differences of the loss on the golden model, for norm weights and projection entries.
    @Test func queryKeyNormBackwardMatchesFiniteDifferences() throws {
        let golden = try ModelGolden("gemma3-qknorm")
        guard case let .gemma2(config) = try ModelConfigFile.load(directory: golden.directory) else { return }
        let model = Gemma2Model(config: config, parameters: try golden.parameters(layout: Gemma2Model.layout(config)))
        let ids = try golden.ids("input_ids")
        let batch = TokenBatch(sequences: try golden.sequences("input_ids", mask: "attention_mask"),
                               padID: config.padTokenID, length: ids[0].count)
        let targets = Gemma2Model.shiftedTargets(batch)
        let acts = model.makeActivations(batch: batch.batch, length: batch.length)
        let grads = GradientStore(for: model.parameters)
        _ = model.loss(batch, targets: targets, acts, grads: grads)
        func loss() -> Double {
            let a = model.makeActivations(batch: batch.batch, length: batch.length)
            return Double(model.loss(batch, targets: targets, a, grads: nil).loss)
        }
        var rng = TestRandom(seed: 17)
        var checked = 0
        for layer in [0, 5] {  // a sliding layer and the full layer
            let p = "model.layers.\(layer).self_attn."
            for name in [p + "q_norm.weight", p + "k_norm.weight", p + "q_proj.weight", p + "k_proj.weight"] {
                let weights = model.parameters[name].f32, analytic = grads.pointer(name)!
                for index in sampleIndices(model.parameters[name].count, limit: 4, rng: &rng) {
                    let original = weights[index], h: Float = 1e-2
                    weights[index] = original + h
                    let up = loss()
                    weights[index] = original - h
                    let down = loss()
                    weights[index] = original
                    let numeric = (up - down) / Double(2 * h)
                    let a = Double(analytic[index])
                    #expect(abs(a - numeric) <= 2e-3 + 2e-2 * abs(numeric), "\(name)[\(index)]: analytic \(a), numeric \(numeric)")
                    checked += 1
                }
            }
        }
        #expect(checked == 32)
    }
}
