import Foundation
import Testing
@testable import Engine

/// A group of two processes whose other process holds the same gradients and losses as this one:
/// every sum doubles. It records each gradient reduction (its length, and whether the trainer's own thread made it),
/// so the tests can see the buckets an overlapped reduction makes. (The MPI group itself is tested
/// under `mpirun` in TUITests/MPITrainTests.)
private final class MirroredPair: ProcessGroup, @unchecked Sendable {
    struct Call: Equatable { var count: Int; var onTrainerThread: Bool }
    let lock = NSLock()
    var calls: [Call] = []
    /// The thread running `trainStep`.
    var trainer = pthread_self()

    var rank: Int { 0 }
    var size: Int { 2 }
    func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws {
        let onTrainerThread = pthread_equal(pthread_self(), trainer) != 0
        lock.withLock { calls.append(Call(count: count, onTrainerThread: onTrainerThread)) }
        for i in 0..<count { buffer[i] += buffer[i] }
    }
    func allReduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int) throws {
        for i in 0..<count { buffer[i] += buffer[i] }
    }
    func allReduceMax(_ buffer: UnsafeMutablePointer<Int64>, count: Int) throws {}
    func broadcast(_ buffer: UnsafeMutableRawPointer, byteCount: Int, root: Int) throws {}
    func barrier() throws {}
}

@Suite struct OverlappedReductionTests {
    static func encoderDecoderBatch() -> TrainingBatch {
        var corpus = MarkovCorpus(seed: 6)
        return TestBatches.prefix((0..<4).map { _ in corpus.sequence(length: 14) }, split: 7, encoderLength: 8, decoderLength: 7)
    }

    @Test func bucketsAreWholeBlocksInBackwardOrderAndCoverEveryGradientOnce() throws {
        let model = try TinyModels.model(.t5gemma(TinyModels.t5gemmaConfig()), seed: 1)
        let gradients = GradientStore(for: model.parameters)
        let blocks = model.blocksInBackwardOrder
        #expect(blocks.map(\.preAttentionNorm) == [
            "model.decoder.layers.1.pre_self_attn_layernorm.weight", "model.decoder.layers.0.pre_self_attn_layernorm.weight",
            "model.encoder.layers.1.pre_self_attn_layernorm.weight", "model.encoder.layers.0.pre_self_attn_layernorm.weight"])
        // One block per bucket when any block fills one; then the rest (embeddings, final norms).
        let small = OverlappedReduction(group: MirroredPair(), gradients: gradients, blocksInBackwardOrder: blocks, bucketElements: 1)
        #expect(small.buckets.map(\.readyAfter) == [1, 2, 3, 4, nil])
        for (bucket, block) in zip(small.buckets, blocks) {
            let expected = OverlappedReduction.merged(block.all.map { gradients.ranges[$0]! })
            #expect(bucket.runs == expected)
        }
        // A large bucket takes the whole stack of blocks at once.
        let large = OverlappedReduction(group: MirroredPair(), gradients: gradients, blocksInBackwardOrder: blocks,
                                        bucketElements: gradients.flat.count)
        #expect(large.buckets.map(\.readyAfter) == [4, nil])
        for plan in [small, large] {
            let covered = plan.buckets.flatMap(\.runs).sorted { $0.lowerBound < $1.lowerBound }
            #expect(OverlappedReduction.merged(covered) == [0..<gradients.flat.count], "every gradient exactly once")
            #expect(covered.reduce(0) { $0 + $1.count } == gradients.flat.count)
        }
    }

    @Test func aBucketIsReducedAsSoonAsItsBlocksFinishNotAtTheEnd() throws {
        let model = try TinyModels.model(.gemma2(TinyModels.gemma2Config()), seed: 1)
        let gradients = GradientStore(for: model.parameters)
        let group = MirroredPair()
        let blocks = model.blocksInBackwardOrder
        let plan = OverlappedReduction(group: group, gradients: gradients, blocksInBackwardOrder: blocks, bucketElements: 1)
        let step = plan.begin()
        #expect(group.lock.withLock { group.calls.isEmpty }, "nothing is reduced before a block finishes")
        step.blockFinished(blocks[0])
        // The backward is still running (finish not called): the first block's bucket goes out now.
        let deadline = Date().addingTimeInterval(10)
        while group.lock.withLock({ group.calls.isEmpty }) && Date() < deadline { usleep(1000) }
        let first = group.lock.withLock { group.calls }
        #expect(first.map(\.count) == [plan.buckets[0].elements])
        step.blockFinished(blocks[1])
        try step.finish()
        #expect(group.calls.map(\.count) == plan.buckets.flatMap { $0.runs.map(\.count) })
    }

    @Test(arguments: [false, true])
    func overlappedStepsEqualOneReductionAfterTheBackward(encoderDecoder: Bool) throws {
        let config: ModelConfig = encoderDecoder ? .t5gemma(TinyModels.t5gemmaConfig()) : .gemma2(TinyModels.gemma2Config())
        let batches = encoderDecoder ? [Self.encoderDecoderBatch()] : TrainerTests.corpusBatches(count: 1, rows: 4, seed: 3)
        // Two micro-batches per step: blocks are final only in the second one.
        let training = TrainingConfig(steps: 4, learningRate: 1e-2, gradientAccumulation: 2,
                                      crossAttentionWarmupSteps: encoderDecoder ? 2 : 0)
        func run(overlap: Bool) throws -> (losses: [Double], weights: [Float], calls: [MirroredPair.Call], blocks: Int) {
            let model = try TinyModels.model(config, seed: 7)
            let group = MirroredPair()
            let trainer = try Trainer(model: model, config: training, group: group)
            trainer.overlapBucketElements = overlap ? 1 : nil
            var losses: [Double] = []
            for _ in 0..<4 {
                group.trainer = pthread_self()
                losses.append(try trainer.trainStep(batches + batches).loss)
            }
            return (losses, model.parameters.flat!.toArray(), group.calls, model.blocksInBackwardOrder.count)
        }
        let after = try run(overlap: false), overlapped = try run(overlap: true)
        // Doubling is exact whatever the bucketing: the same steps bit for bit.
        #expect(overlapped.losses == after.losses)
        #expect(overlapped.weights == after.weights)
        #expect(after.calls.count == 4 && after.calls.allSatisfy(\.onTrainerThread))
        #expect(overlapped.calls.allSatisfy { !$0.onTrainerThread }, "reduced on the reduction's own thread")
        // Full phase: one call per block (its parameters are contiguous) and the rest.
        let fullSteps = encoderDecoder ? 2 : 4
        #expect(overlapped.calls.count >= fullSteps * (overlapped.blocks + 1), "\(overlapped.calls.count) calls")
    }
}
