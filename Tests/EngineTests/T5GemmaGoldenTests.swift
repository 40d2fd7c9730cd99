import DuetCore
import Foundation
import Testing
@testable import Engine

/// T5Gemma against Hugging Face transformers (fp32, eager; encoder sliding window with the
/// original release's |q - k| < W rule) on tiny random balanced and unbalanced models.
@Suite struct T5GemmaGoldenTests {
    static let cases = ["t5gemma-balanced", "t5gemma-unbalanced", "t5gemma2-merged"]

    func load(_ name: String) throws -> (ModelGolden, T5GemmaModel) {
        let golden = try ModelGolden(name)
        guard case let .t5gemma(config) = try ModelConfigFile.load(directory: golden.directory) else {
            throw GoldenError.wrongArchitecture(name)
        }
        let model = T5GemmaModel(config: config, parameters: try golden.parameters(layout: T5GemmaModel.layout(config)))
        return (golden, model)
    }

    func batches(_ golden: ModelGolden, _ model: T5GemmaModel) throws -> (TokenBatch, TokenBatch) {
        let enc = try golden.ids("input_ids"), dec = try golden.ids("decoder_input_ids")
        let encoderBatch = TokenBatch(sequences: try golden.sequences("input_ids", mask: "attention_mask"),
                                      padID: model.config.padTokenID, length: enc[0].count)
        let decoderBatch = TokenBatch(sequences: try golden.sequences("decoder_input_ids", mask: "decoder_attention_mask"),
                                      padID: model.config.padTokenID, length: dec[0].count)
        return (encoderBatch, decoderBatch)
    }

    @Test(arguments: cases) func encoderOutputAndLogitsMatchHuggingFace(_ name: String) throws {
        let (golden, model) = try load(name)
        let (encoderBatch, decoderBatch) = try batches(golden, model)
        let acts = model.makeActivations(batch: encoderBatch.batch, encoderLength: encoderBatch.length,
                                         decoderLength: decoderBatch.length, training: false)
        model.forward(encoderInput: encoderBatch, decoderInput: decoderBatch, acts)

        let dE = model.config.encoder.hiddenSize
        let hidden = Array(UnsafeBufferPointer(start: acts.encoderOutput, count: encoderBatch.ids.count * dE))
        let worstHidden = try golden.worstRowDifference(hidden, key: "encoder_hidden", width: dE, valid: encoderBatch.valid)
        #expect(worstHidden < 2e-4, "max |encoder hidden difference| \(worstHidden)")
        let worst = try golden.worstRowDifference(acts.logits.toArray(), key: "logits", width: model.vocabularySize,
                                                  valid: decoderBatch.valid)
        #expect(worst < 2e-4, "max |logit difference| \(worst)")
    }

    @Test(arguments: cases) func lossAndEveryGradientMatchPyTorch(_ name: String) throws {
        let (golden, model) = try load(name)
        let (encoderBatch, decoderBatch) = try batches(golden, model)
        let labels = try golden.ids("labels").flatMap { $0 }
        let acts = model.makeActivations(batch: encoderBatch.batch, encoderLength: encoderBatch.length,
                                         decoderLength: decoderBatch.length)
        let grads = GradientStore(for: model.parameters)
        let result = model.loss(encoderInput: encoderBatch, decoderInput: decoderBatch, targets: labels, acts, grads: grads)
        #expect(abs(Double(result.loss) - golden.loss) / golden.loss < 1e-5, "loss \(result.loss) vs \(golden.loss)")
        try golden.expectGradients(grads, of: model.parameters)
    }

    @Test(arguments: cases) func greedyWithCachesMatchesHuggingFace(_ name: String) throws {
        let (golden, model) = try load(name)
        let input = golden.greedy("input_ids")
        let expected = golden.greedy("tokens")
        try #require(!input.isEmpty && expected.count == 32)
        let result = try model.generate(prompt: input, parameters: SamplingParameters(maxNewTokens: 32, ignoreEOS: true),
                                        stopTokens: [], cancel: nil, onToken: { _ in })
        #expect(result.tokens == expected)
        #expect(result.stats.encoderTokens == input.count)
    }
}
