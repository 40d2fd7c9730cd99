import Foundation
import Testing
@testable import Engine

/// A tiny model learns a synthetic language: validation loss ends far below the unigram entropy.
@Suite struct ConvergenceTests {
    @Test func tinyDecoderLearnsTheMarkovChain() throws {
        var corpus = MarkovCorpus(seed: 41)
        let train = (0..<32).map { _ in TestBatches.causal((0..<8).map { _ in corpus.sequence(length: 23) }, length: 24) }
        let validationRows = (0..<16).map { _ in corpus.sequence(length: 23) }
        let validation = [TestBatches.causal(Array(validationRows[..<8]), length: 24),
                          TestBatches.causal(Array(validationRows[8...]), length: 24)]
        let unigram = MarkovCorpus.unigramEntropy(validationRows)
        let model = try TinyModels.model(.gemma2(TinyModels.gemma2Config()), seed: 42)
        let config = TrainingConfig(steps: 300, learningRate: 1e-2, warmupSteps: 20, optimizer: AdamWConfig(weightDecay: 0.01),
                                    evalEvery: 100)
        let trainer = try Trainer(model: model, config: config)
        let scratch = TemporaryDirectory()
        let directory = scratch.url
        let loop = TrainingLoop(trainer: trainer, source: FixedBatchSource(train), validation: validation,
                                runDirectory: directory, assets: nil)
        let observer = RecordingObserver()
        loop.observer = observer
        #expect(try loop.run() == .finished)
        let final = try #require(observer.evaluations.last)
        // The chain's conditional entropy is ln 2 ≈ 0.69 (plus the first token of each row).
        #expect(final.loss < 0.5 * unigram, "validation loss \(final.loss) vs unigram entropy \(unigram)")
        #expect(final.accuracy > 0.4)
        #expect(observer.evaluations.map(\.step) == [100, 200, 300])
        #expect(observer.steps.allSatisfy { !$0.skipped })
    }
}
