import Foundation
@testable import Engine
@testable import Tokenizers

/// Tiny models and a synthetic corpus for trainer tests (fast in debug builds).
enum TinyModels {
    static let vocab = 32

    static func gemma2Config() -> Gemma2Config {
        Gemma2Config(vocabSize: vocab, hiddenSize: 32, intermediateSize: 64, numLayers: 2, numHeads: 4, numKVHeads: 2,
                     headDim: 8, queryPreAttnScalar: 8, slidingWindow: 8, attnLogitSoftcap: 50, finalLogitSoftcap: 30)
    }

    static func t5gemmaConfig() -> T5GemmaConfig {
        T5GemmaConfig(encoder: gemma2Config(), decoder: gemma2Config())
    }

    /// A trainable (flat f32) model with HF-style random initialisation.
    static func model(_ config: ModelConfig, seed: UInt64, initializerRange: Float = 0.1) throws -> TrainableModel {
        let named = ModelInitializer.randomParameters(layout: WeightLayout.expectedShapes(config), dtype: .f32, seed: seed,
                                                      initializerRange: initializerRange)
        let parameters = ParameterStore(trainableCopyOf: named)
        switch config {
        case let .gemma2(c): return try TrainableModel(Gemma2Model(config: c, parameters: parameters))
        case let .t5gemma(c): return try TrainableModel(T5GemmaModel(config: c, parameters: parameters))
        }
    }

    /// Writes a random f32 model directory (for tests that load models from disk).
    static func writeModel(_ config: ModelConfig, seed: UInt64, to directory: URL) throws {
        try ModelInitializer.writeRandomModel(config, dtype: .f32, seed: seed, to: directory)
    }
}

/// Token sequences from a first-order Markov chain over the ordinary ids 3..<vocab: each token has
/// two equally likely successors. The unigram entropy is about ln 29 ≈ 3.37 nats, the conditional
/// entropy ln 2 ≈ 0.69: a model that learns the transitions gets far below the unigram entropy.
struct MarkovCorpus {
    let vocab: Int
    var rng: TestRandom

    init(vocab: Int = TinyModels.vocab, seed: UInt64) {
        self.vocab = vocab
        rng = TestRandom(seed: seed)
    }

    static func successors(of token: Int, vocab: Int) -> [Int] {
        let n = vocab - 3
        return [3 + (token * 7 + 1) % n, 3 + (token * 5 + 4) % n]
    }

    mutating func sequence(length: Int) -> [TokenID] {
        var token = 3 + rng.int(0..<(vocab - 3))
        var out = [TokenID(token)]
        while out.count < length {
            token = Self.successors(of: token, vocab: vocab)[rng.int(0..<2)]
            out.append(TokenID(token))
        }
        return out
    }

    /// Empirical unigram entropy (nats) of `sequences`.
    static func unigramEntropy(_ sequences: [[TokenID]]) -> Double {
        var counts: [TokenID: Int] = [:]
        for s in sequences { for t in s { counts[t, default: 0] += 1 } }
        let total = Double(counts.values.reduce(0, +))
        return -counts.values.reduce(0.0) { $0 + Double($1) / total * log(Double($1) / total) }
    }
}

/// Builds training batches from token rows, as the data pipeline lays them out.
enum TestBatches {
    /// Causal LM: `<bos>` + row, right-padded to `length`, targets shifted.
    static func causal(_ rows: [[TokenID]], length: Int) -> TrainingBatch {
        let input = TokenBatch(sequences: rows.map { [2] + $0 }, padID: 0, length: length)
        return TrainingBatch(encoderInput: nil, decoderInput: input, targets: Gemma2Model.shiftedTargets(input))
    }

    /// Prefix LM for an encoder-decoder model: the first `split` tokens to the encoder, the rest are
    /// the labels (`<bos>` + labels[..<-1] to the decoder).
    static func prefix(_ rows: [[TokenID]], split: Int, encoderLength: Int, decoderLength: Int) -> TrainingBatch {
        let encoder = TokenBatch(sequences: rows.map { [2] + $0.prefix(split) }, padID: 0, length: encoderLength)
        let labels = rows.map { Array($0.dropFirst(split)) }
        let decoder = TokenBatch(sequences: labels.map { [2] + $0.dropLast() }, padID: 0, length: decoderLength)
        var targets = [Int32](repeating: -100, count: decoder.ids.count)
        for (b, row) in labels.enumerated() { for (t, id) in row.enumerated() { targets[b * decoderLength + t] = id } }
        return TrainingBatch(encoderInput: encoder, decoderInput: decoder, targets: targets)
    }
}

/// A resumable source cycling over fixed batches; position = (epoch, index within the epoch).
struct FixedBatchSource: TrainingBatchSource {
    let batches: [TrainingBatch]
    private(set) var position: DataPosition

    init(_ batches: [TrainingBatch], from position: DataPosition = DataPosition(epoch: 0, index: 0)) {
        self.batches = batches
        self.position = position
    }

    mutating func next() -> TrainingBatch {
        let batch = batches[position.index]
        position.index += 1
        if position.index == batches.count { position = DataPosition(epoch: position.epoch + 1, index: 0) }
        return batch
    }
}

/// Records a loop's events; can ask for a stop after a given step.
final class RecordingObserver: TrainingLoopObserver {
    var steps: [StepReport] = []
    var evaluations: [EvaluationReport] = []
    var checkpoints: [Int] = []
    var stopAfter: Int?
    /// Answers to successive polls: each entry is handed out once, at the first poll after
    /// `afterStep` steps.
    var script: [(afterStep: Int, controls: [TrainingControl])] = []
    var pauses: [Int] = [], resumes: [Int] = []
    private(set) var polls = 0

    func pollControl() -> [TrainingControl] {
        polls += 1
        if let stopAfter, steps.count >= stopAfter { return [.stop] }
        if let first = script.first, first.afterStep <= steps.count {
            script.removeFirst()
            return first.controls
        }
        return []
    }
    func didStep(_ report: StepReport, throughput: StepThroughput) { steps.append(report) }
    func didEvaluate(_ report: EvaluationReport) { evaluations.append(report) }
    func didCheckpoint(step: Int, directory: URL) { checkpoints.append(step) }
    func didPause(step: Int) { pauses.append(step) }
    func didResume(step: Int) { resumes.append(step) }
}
