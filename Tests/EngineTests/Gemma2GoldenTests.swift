import DuetCore
import Foundation
import Testing
@testable import Engine
@testable import Tokenizers

/// Gemma 2 and Gemma 3 (text) against Hugging Face transformers (fp32, eager) on tiny random models.
@Suite struct Gemma2GoldenTests {
    static let cases = ["gemma2-gqa", "gemma2-mha", "gemma3-qknorm"]

    func load(_ name: String) throws -> (ModelGolden, Gemma2Model) {
        let golden = try ModelGolden(name)
        guard case let .gemma2(config) = try ModelConfigFile.load(directory: golden.directory) else {
            throw GoldenError.wrongArchitecture(name)
        }
        let model = Gemma2Model(config: config, parameters: try golden.parameters(layout: Gemma2Model.layout(config)))
        return (golden, model)
    }

    @Test(arguments: cases) func logitsMatchHuggingFace(_ name: String) throws {
        let (golden, model) = try load(name)
        let ids = try golden.ids("input_ids")
        let batch = TokenBatch(sequences: try golden.sequences("input_ids", mask: "attention_mask"),
                               padID: model.config.padTokenID, length: ids[0].count)
        let acts = model.makeActivations(batch: batch.batch, length: batch.length, training: false)
        model.forward(batch, acts)
        let worst = try golden.worstRowDifference(acts.logits.toArray(), key: "logits", width: model.config.vocabSize,
                                                  valid: batch.valid)
        #expect(worst < 2e-4, "max |logit difference| \(worst)")
    }

    @Test(arguments: cases) func lossAndEveryGradientMatchPyTorch(_ name: String) throws {
        let (golden, model) = try load(name)
        let ids = try golden.ids("input_ids")
        let batch = TokenBatch(sequences: try golden.sequences("input_ids", mask: "attention_mask"),
                               padID: model.config.padTokenID, length: ids[0].count)
        let acts = model.makeActivations(batch: batch.batch, length: batch.length)
        let grads = GradientStore(for: model.parameters)
        let result = model.loss(batch, targets: Gemma2Model.shiftedTargets(batch), acts, grads: grads)
        #expect(abs(Double(result.loss) - golden.loss) / golden.loss < 1e-5, "loss \(result.loss) vs \(golden.loss)")
        try golden.expectGradients(grads, of: model.parameters)
    }

    @Test(arguments: cases) func greedyWithCacheMatchesHuggingFace(_ name: String) throws {
        let (golden, model) = try load(name)
        let prompt = golden.greedy("prompt")
        let expected = golden.greedy("tokens")
        try #require(!prompt.isEmpty && expected.count == 32)
        let result = try model.generate(prompt: prompt, parameters: SamplingParameters(maxNewTokens: 32, ignoreEOS: true),
                                        stopTokens: [], cancel: nil, onToken: { _ in })
        #expect(result.tokens == expected)
    }

    @Test(arguments: cases) func cachedDecodingEqualsFullRecomputation(_ name: String) throws {
        let (golden, model) = try load(name)
        let prompt = golden.greedy("prompt")
        var sequence = prompt
        _ = try model.generate(prompt: prompt, parameters: SamplingParameters(maxNewTokens: 12, ignoreEOS: true),
                               stopTokens: [], cancel: nil, onToken: { sequence.append($0) })
        // Recompute every step without a cache and compare the argmax path and the logits.
        for step in 0..<12 {
            let prefix = Array(sequence.prefix(prompt.count + step))
            let batch = TokenBatch(sequences: [prefix], padID: 0)
            let acts = model.makeActivations(batch: 1, length: prefix.count, training: false)
            model.forward(batch, acts)
            let v = model.config.vocabSize
            let last = Array(acts.logits.toArray()[(prefix.count - 1) * v..<prefix.count * v])
            let argmax = last.indices.max { last[$0] < last[$1] }!
            #expect(TokenID(argmax) == sequence[prompt.count + step], "step \(step)")
        }
    }
}
