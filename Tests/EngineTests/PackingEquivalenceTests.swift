import Foundation
import Testing
@testable import Engine
@testable import Tokenizers

/// Packing several examples into one row changes nothing but the layout: on the golden tiny models
/// (sliding window 4, so windows and document boundaries interact), packed rows built by the data
/// pipeline's `BatchAssembler` give every example the logits, loss and gradients it gets alone in
/// its own row.
@Suite struct PackingEquivalenceTests {
    /// Where each example sits: row and first decoder position.
    typealias Placement = (row: Int, start: Int)

    /// Example indices per row for the packed layouts (the unpacked one is one example per row).
    static let layouts: [[[Int]]] = [[[0, 1, 2]], [[2, 0], [1]]]

    static func placements(_ rows: [[Int]], decoderLengths: [Int]) -> [Int: Placement] {
        var out: [Int: Placement] = [:]
        for (r, row) in rows.enumerated() {
            var start = 0
            for e in row {
                out[e] = (r, start)
                start += decoderLengths[e]
            }
        }
        return out
    }

    /// Random ids avoiding pad (0), eos (1) and bos (2).
    static func randomTokens(_ n: Int, vocab: Int, rng: inout TestRandom) -> [TokenID] {
        (0..<n).map { _ in TokenID(rng.int(3..<vocab)) }
    }

    /// Targets of `batch` with only example `e`'s kept (the loss of that example alone).
    static func targets(_ batch: TrainingBatch, only placement: Placement, length: Int) -> [Int32] {
        var t = [Int32](repeating: -100, count: batch.targets.count)
        let base = placement.row * batch.decoderInput.length + placement.start
        for i in base..<base + length { t[i] = batch.targets[i] }
        return t
    }

    /// Compares the per-example logits and losses and the gradients of the whole batch between the
    /// unpacked batch and a packed one, with `run(batch, targets, grads)` returning the loss sums and
    /// the logits.
    static func expectEquivalent(unpacked: TrainingBatch, packed: TrainingBatch, rows: [[Int]], decoderLengths: [Int],
                                 vocab: Int, parameters: ParameterStore,
                                 run: (TrainingBatch, [Int32], GradientStore?) -> (LossSums, [Float])) {
        let alone = placements(decoderLengths.indices.map { [$0] }, decoderLengths: decoderLengths)
        let together = placements(rows, decoderLengths: decoderLengths)
        for e in decoderLengths.indices {
            let (a, b) = (alone[e]!, together[e]!)
            let n = decoderLengths[e]
            let single = run(unpacked, targets(unpacked, only: a, length: n), nil)
            let inRow = run(packed, targets(packed, only: b, length: n), nil)
            #expect(single.0.count == inRow.0.count && single.0.count > 0, "example \(e) target count")
            #expect(abs(inRow.0.hard - single.0.hard) / single.0.hard < 1e-5, "example \(e): loss \(inRow.0.hard) vs \(single.0.hard)")
            let rowA = (a.row * unpacked.decoderInput.length + a.start) * vocab
            let rowB = (b.row * packed.decoderInput.length + b.start) * vocab
            let r = compare(Array(inRow.1[rowB..<rowB + n * vocab]), Array(single.1[rowA..<rowA + n * vocab]))
            #expect(r.maxAbs < 1e-5, "example \(e): max |logit difference| \(r.maxAbs)")
        }
        let gradsAlone = GradientStore(for: parameters), gradsTogether = GradientStore(for: parameters)
        let lossAlone = run(unpacked, unpacked.targets, gradsAlone).0
        let lossTogether = run(packed, packed.targets, gradsTogether).0
        #expect(lossAlone.count == lossTogether.count)
        #expect(abs(lossTogether.hard - lossAlone.hard) / lossAlone.hard < 1e-5)
        for name in parameters.names {
            guard let expected = gradsAlone.tensor(name)?.toArray(), let actual = gradsTogether.tensor(name)?.toArray() else {
                Issue.record("no gradient for \(name)")
                continue
            }
            let r = compare(actual, expected)
            #expect(r.relative < 1e-5, "gradient of \(name): relative error \(r.relative), max abs \(r.maxAbs)")
        }
    }

    @Test(arguments: layouts)
    func packedEncoderDecoderRowsEqualSeparateRows(_ rows: [[Int]]) throws {
        let golden = try ModelGolden("t5gemma-balanced")
        guard case let .t5gemma(config) = try ModelConfigFile.load(directory: golden.directory) else {
            Issue.record("t5gemma-balanced is not a t5gemma config")
            return
        }
        let model = T5GemmaModel(config: config, parameters: try golden.parameters(layout: T5GemmaModel.layout(config)))
        var rng = TestRandom(seed: 11)
        let vocab = config.decoder.vocabSize
        // Encoder and decoder lengths around the sliding window (4), both longer and shorter.
        let examples = [(7, 5), (3, 6), (9, 2)].map { encoder, labels in
            TrainingExample(encoder: [config.bosTokenID] + Self.randomTokens(encoder - 1, vocab: vocab, rng: &rng),
                            tokens: Self.randomTokens(labels, vocab: vocab, rng: &rng), learnFrom: 0)
        }
        let unpacked = BatchAssembler.encoderDecoder(examples.map { [$0] }, packed: false, bos: config.bosTokenID,
                                                     pad: config.padTokenID)
        let packed = BatchAssembler.encoderDecoder(rows.map { $0.map { examples[$0] } }, packed: true,
                                                   bos: config.bosTokenID, pad: config.padTokenID)
        try #require(packed.encoderInput?.segments != nil && packed.decoderInput.segments != nil)
        Self.expectEquivalent(unpacked: unpacked, packed: packed, rows: rows, decoderLengths: examples.map(\.tokens.count),
                              vocab: vocab, parameters: model.parameters) { batch, targets, grads in
            let acts = model.makeActivations(batch: batch.decoderInput.batch, encoderLength: batch.encoderInput!.length,
                                             decoderLength: batch.decoderInput.length, training: grads != nil)
            let sums = model.trainingLoss(encoderInput: batch.encoderInput!, decoderInput: batch.decoderInput,
                                          targets: LossTargets(hard: targets), acts, grads: grads)
            return (sums, acts.logits.toArray())
        }
    }

    @Test(arguments: layouts)
    func packedDecoderOnlyRowsEqualSeparateRows(_ rows: [[Int]]) throws {
        let golden = try ModelGolden("gemma2-gqa")
        guard case let .gemma2(config) = try ModelConfigFile.load(directory: golden.directory) else {
            Issue.record("gemma2-gqa is not a gemma2 config")
            return
        }
        let model = Gemma2Model(config: config, parameters: try golden.parameters(layout: Gemma2Model.layout(config)))
        var rng = TestRandom(seed: 12)
        let examples = [9, 5, 7].map { n in
            TrainingExample(tokens: [config.bosTokenID] + Self.randomTokens(n - 1, vocab: config.vocabSize, rng: &rng), learnFrom: 1)
        }
        let unpacked = BatchAssembler.decoderOnly(examples.map { [$0] }, packed: false, pad: config.padTokenID)
        let packed = BatchAssembler.decoderOnly(rows.map { $0.map { examples[$0] } }, packed: true, pad: config.padTokenID)
        try #require(packed.decoderInput.segments != nil)
        Self.expectEquivalent(unpacked: unpacked, packed: packed, rows: rows, decoderLengths: examples.map(\.tokens.count),
                              vocab: config.vocabSize, parameters: model.parameters) { batch, targets, grads in
            let acts = model.makeActivations(batch: batch.decoderInput.batch, length: batch.decoderInput.length,
                                             training: grads != nil)
            let sums = model.trainingLoss(batch.decoderInput, targets: LossTargets(hard: targets), acts, grads: grads)
            return (sums, acts.logits.toArray())
        }
    }

    /// Segments on one side only cannot be run: the trainer's batch check names the problem.
    @Test func encoderDecoderBatchWithSegmentsOnOneSideIsRejected() throws {
        let golden = try ModelGolden("t5gemma-balanced")
        guard case let .t5gemma(config) = try ModelConfigFile.load(directory: golden.directory) else { return }
        let model = try TrainableModel(T5GemmaModel(config: config, parameters: try golden.parameters(layout: T5GemmaModel.layout(config))))
        let example = TrainingExample(encoder: [2, 5, 6], tokens: [7, 8], learnFrom: 0)
        var batch = BatchAssembler.encoderDecoder([[example, example]], packed: true, bos: 2, pad: 0)
        batch.encoderInput!.segments = nil
        #expect(throws: TrainingError.self) { try model.validate(batch) }
    }
}
