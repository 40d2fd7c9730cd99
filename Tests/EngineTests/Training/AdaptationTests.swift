import DuetCore
import Foundation
import Testing
@testable import Engine
@testable import Tokenizers

/// `duet adapt`: the paper's mapping from decoder-only Gemma 2 to T5Gemma, and that the result is a
/// well-defined, trainable encoder-decoder.
@Suite struct AdaptationTests {
    let source = fixturesDirectory().appendingPathComponent("models/gemma2-mha")

    func values(_ reader: CheckpointReader, _ name: String) throws -> [Float] { try reader.tensor(name).toArray() }

    @Test func balancedAdaptationCopiesEveryTensorAsThePaperMaps() throws {
        let scratch = TemporaryDirectory()
        let out = scratch.url
        let plan = try Adaptation.adapt(decoderFrom: source, to: out)
        #expect(plan.crossAttention == .copy && plan.warmupCrossAttentionSteps == 0)
        let src = try CheckpointReader(directory: source), dst = try CheckpointReader(directory: out)
        guard case let .gemma2(c) = try ModelConfigFile.load(directory: source) else { throw AdaptationError.notDecoderOnly(source) }
        for stack in ["encoder", "decoder"] {
            try #expect(values(dst, "model.\(stack).embed_tokens.weight") == values(src, "model.embed_tokens.weight"))
            try #expect(values(dst, "model.\(stack).norm.weight") == values(src, "model.norm.weight"))
            for i in 0..<c.numLayers {
                let d = "model.\(stack).layers.\(i).", s = "model.layers.\(i)."
                try #expect(values(dst, d + "pre_self_attn_layernorm.weight") == values(src, s + "input_layernorm.weight"))
                try #expect(values(dst, d + "post_self_attn_layernorm.weight") == values(src, s + "post_attention_layernorm.weight"))
                for n in ["pre_feedforward_layernorm", "post_feedforward_layernorm", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj",
                          "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj"] {
                    try #expect(values(dst, d + n + ".weight") == values(src, s + n + ".weight"), "\(d)\(n)")
                }
            }
        }
        for i in 0..<c.numLayers {
            let d = "model.decoder.layers.\(i).", s = "model.layers.\(i)."
            for p in ["q", "k", "v", "o"] {
                try #expect(values(dst, d + "cross_attn.\(p)_proj.weight") == values(src, s + "self_attn.\(p)_proj.weight"))
            }
            try #expect(values(dst, d + "pre_cross_attn_layernorm.weight") == values(src, s + "input_layernorm.weight"))
            try #expect(values(dst, d + "post_cross_attn_layernorm.weight") == values(src, s + "post_attention_layernorm.weight"))
        }
        guard case let .t5gemma(t5) = try ModelConfigFile.load(directory: out) else { Issue.record("not t5gemma"); return }
        #expect(t5.encoder.numLayers == c.numLayers && t5.decoder.crossAttentionHiddenSize == c.hiddenSize)
        #expect(t5.encoder.layerTypes == c.layerTypes && t5.encoder.slidingWindow == c.slidingWindow)
    }

    @Test func adaptedModelIsWellDefinedAndTrainable() throws {
        let scratch = TemporaryDirectory()
        let out = scratch.url
        try Adaptation.adapt(decoderFrom: source, to: out)
        let loaded = try ModelLoader.load(directory: out, trainable: true)
        let model = try #require(loaded.model as? T5GemmaModel)
        // The paper's PrefixLM: the encoder reads x's prefix, the decoder is fed [bos] + target.
        let x: [TokenID] = [2, 17, 33, 8, 41, 5, 29, 11, 50, 23]
        let prefix = Array(x.prefix(5)), target = Array(x.suffix(5))
        let labels = target
        let decoderIDs = T5GemmaModel.decoderInputs(labels: [labels], bos: 2, pad: 0)[0]
        let enc = TokenBatch(sequences: [prefix], padID: 0), dec = TokenBatch(sequences: [decoderIDs], padID: 0)
        let acts = model.makeActivations(batch: 1, encoderLength: enc.length, decoderLength: dec.length)
        let grads = GradientStore(for: model.parameters)
        let before = model.loss(encoderInput: enc, decoderInput: dec, targets: labels, acts, grads: grads)
        #expect(before.loss.isFinite && before.loss > 0)
        let g = grads.flat.toArray()
        #expect(g.allSatisfy { $0.isFinite })
        let norm = g.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(norm > 0)
        for name in model.parameters.names {
            let gradient = try #require(grads.tensor(name)).toArray()
            #expect(gradient.contains { $0 != 0 }, "no gradient reaches \(name)")
        }
        // One plain gradient step lowers the loss on the same batch.
        let flat = try #require(model.parameters.flat)
        let step = Float(1e-3 / norm)  // a short step along -g (first-order decrease 1e-3 * |g|; curvature is high)
        for i in 0..<flat.count { flat.f32[i] -= step * grads.flat.f32[i] }
        let after = model.loss(encoderInput: enc, decoderInput: dec, targets: labels, acts)
        #expect(after.loss < before.loss, "loss \(before.loss) -> \(after.loss)")
    }

    @Test func unbalancedAdaptationRandomisesCrossAttentionFromTheWiderEncoder() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        guard case let .gemma2(small) = try ModelConfigFile.load(directory: source) else { return }
        var wide = small
        wide.hiddenSize = 48
        wide.intermediateSize = 96
        wide.numLayers = 3
        wide.layerTypes = Gemma2Config.defaultLayerTypes(3)
        let wideURL = dir.appendingPathComponent("wide"), out = dir.appendingPathComponent("adapted")
        try ModelInitializer.writeRandomModel(.gemma2(wide), dtype: .f32, seed: 7, to: wideURL)
        let plan = try Adaptation.adapt(decoderFrom: source, encoderFrom: wideURL, seed: 3, to: out)
        #expect(plan.crossAttention == .random && plan.warmupCrossAttentionSteps == Adaptation.defaultWarmupSteps)
        let dst = try CheckpointReader(directory: out)
        #expect(dst.info("model.decoder.layers.0.cross_attn.k_proj.weight")?.shape == [small.kvDim, 48])
        #expect(dst.info("model.encoder.layers.2.mlp.up_proj.weight")?.shape == [96, 48])
        let k = try values(dst, "model.decoder.layers.0.cross_attn.k_proj.weight")
        let std = (k.reduce(0) { $0 + Double($1 * $1) } / Double(k.count)).squareRoot()
        #expect(abs(std - 0.02) < 0.004, "cross-attention init std \(std)")
        try #expect(values(dst, "model.decoder.layers.0.pre_cross_attn_layernorm.weight").allSatisfy { $0 == 0 })
        let again = dir.appendingPathComponent("again")
        try Adaptation.adapt(decoderFrom: source, encoderFrom: wideURL, seed: 3, to: again)
        try #expect(values(CheckpointReader(directory: again), "model.decoder.layers.0.cross_attn.k_proj.weight") == k)
        #expect(throws: AdaptationError.self) {
            try Adaptation.adapt(decoderFrom: source, encoderFrom: wideURL, crossAttention: .copy, to: dir.appendingPathComponent("bad"))
        }
        let loaded = try ModelLoader.load(directory: out)
        let result = try loaded.model.generate(prompt: [2, 5, 9, 14], parameters: SamplingParameters(maxNewTokens: 4, ignoreEOS: true),
                                               stopTokens: [], cancel: nil, onToken: { _ in })
        #expect(result.tokens.count == 4)
    }
}
