import DuetCore
import Foundation
import Testing
@testable import Engine
@testable import Tokenizers

/// Sampling, stopping and cancellation on a real (tiny, golden) model.
@Suite struct GenerationTests {
    func model() throws -> Gemma2Model { try ModelGolden.gemma2Model("gemma2-gqa") }

    @Test func sameSeedSameSampleDifferentSeedDifferentSample() throws {
        let m = try model()
        func run(_ seed: UInt64) throws -> [TokenID] {
            try m.generate(prompt: [2, 10, 20], parameters: SamplingParameters(temperature: 1.5, maxNewTokens: 24, seed: seed, ignoreEOS: true),
                           stopTokens: [], cancel: nil, onToken: { _ in }).tokens
        }
        #expect(try run(7) == run(7))
        #expect(try run(7) != run(8))
    }

    @Test func stopsOnAnyStopTokenAndReportsIt() throws {
        let m = try model()
        let free = try m.generate(prompt: [2, 10, 20], parameters: SamplingParameters(maxNewTokens: 16, ignoreEOS: true),
                                  stopTokens: [], cancel: nil, onToken: { _ in })
        let stopAt = free.tokens[5]
        let first = free.tokens.firstIndex(of: stopAt)!
        var seen: [TokenID] = []
        let stopped = try m.generate(prompt: [2, 10, 20], parameters: SamplingParameters(maxNewTokens: 16),
                                     stopTokens: [999, stopAt], cancel: nil, onToken: { seen.append($0) })
        #expect(stopped.tokens == Array(free.tokens.prefix(first + 1)))
        #expect(seen == stopped.tokens)
        #expect(stopped.stats.stopReason == .endOfSequence)
        #expect(free.stats.stopReason == .maxTokens && free.stats.generatedTokens == 16)
    }

    @Test func cancellationStopsWithinOneToken() throws {
        let m = try model()
        let flag = CancellationFlag()
        var count = 0
        let r = try m.generate(prompt: [2, 10], parameters: SamplingParameters(maxNewTokens: 30, ignoreEOS: true), stopTokens: [],
                               cancel: flag, onToken: { _ in count += 1; if count == 3 { flag.cancel() } })
        #expect(r.tokens.count == 3 && r.stats.stopReason == .cancelled)
    }

    @Test func rejectsBadPrompts() throws {
        let m = try model()
        #expect(throws: GenerationError.emptyPrompt) {
            try m.generate(prompt: [], parameters: .greedy, stopTokens: [], cancel: nil, onToken: { _ in })
        }
        #expect(throws: GenerationError.tokenOutOfRange(96, vocabularySize: 96)) {
            try m.generate(prompt: [2, 96], parameters: .greedy, stopTokens: [], cancel: nil, onToken: { _ in })
        }
    }

    @Test func topKOneIsGreedyAndMinPOneKeepsOnlyTheArgmax() {
        let logits: [Float] = [0.1, 2.0, 1.9, -3, 2.0 - 1e-3]
        for params in [SamplingParameters(temperature: 1, topK: 1, seed: 3), SamplingParameters(temperature: 1, minP: 1, seed: 3)] {
            var s = Sampler(parameters: params, vocabularySize: logits.count)
            for _ in 0..<50 { #expect(logits.withUnsafeBufferPointer { s.sample($0.baseAddress!, count: logits.count) } == 1) }
        }
    }

    @Test func samplingFrequenciesFollowTheFilteredDistribution() {
        // Probabilities 0.5, 0.3, 0.2 (and a tail): top-p 0.75 keeps the first two, renormalised to 5/8 and 3/8.
        let p: [Float] = [0.5, 0.3, 0.15, 0.05]
        let logits = p.map { logf($0) }
        var s = Sampler(parameters: SamplingParameters(temperature: 1, topP: 0.75, seed: 11), vocabularySize: 4)
        var counts = [0, 0, 0, 0]
        let n = 20_000
        for _ in 0..<n { counts[Int(logits.withUnsafeBufferPointer { s.sample($0.baseAddress!, count: 4) })] += 1 }
        #expect(counts[2] == 0 && counts[3] == 0)
        #expect(abs(Double(counts[0]) / Double(n) - 0.625) < 0.015, "\(counts)")
        // top-k 3 with temperature 1: 0.5/0.95, 0.3/0.95, 0.15/0.95.
        var k = Sampler(parameters: SamplingParameters(temperature: 1, topK: 3, seed: 5), vocabularySize: 4)
        counts = [0, 0, 0, 0]
        for _ in 0..<n { counts[Int(logits.withUnsafeBufferPointer { k.sample($0.baseAddress!, count: 4) })] += 1 }
        #expect(counts[3] == 0)
        #expect(abs(Double(counts[2]) / Double(n) - 0.15 / 0.95) < 0.015, "\(counts)")
    }

    @Test func repetitionPenaltyFollowsHuggingFace() {
        var logits: [Float] = [2, -2, 1]
        logits.withUnsafeMutableBufferPointer { Sampler.penalize($0.baseAddress!, seen: [true, true, false], penalty: 2) }
        #expect(logits == [1, -4, 1])
    }

    @Test func encodeOnlyAPIReturnsTheEncoderHiddenStates() throws {
        let golden = try ModelGolden("t5gemma-balanced")
        guard case let .t5gemma(config) = try ModelConfigFile.load(directory: golden.directory) else {
            throw GoldenError.wrongArchitecture("t5gemma-balanced")
        }
        let m = T5GemmaModel(config: config, parameters: try golden.parameters(layout: T5GemmaModel.layout(config)))
        let ids = try golden.sequences("input_ids", mask: "attention_mask")[0]
        let hidden = try m.encode(ids)
        #expect(hidden.shape == [ids.count, config.encoder.hiddenSize])
        let expected = try golden.tensors.tensor("encoder_hidden").toArray()
        let mine = hidden.toArray()
        #expect(compare(mine, Array(expected.prefix(mine.count))).maxAbs < 2e-4)
    }
}
