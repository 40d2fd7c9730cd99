import Foundation

/// Sums a step's gradients over a process group while the backward is still running, as PyTorch DDP's
/// gradient buckets do: a block's gradients are final once its backward is done (on the step's last
/// micro-batch), so a thread of its own reduces them while the backward goes on to the blocks below.
/// What is left when the backward ends (embeddings, final norms, anything outside a block) is reduced
/// last, and ``ReductionStep/finish()`` waits for all of it.
///
/// The buckets are planned once from the model's structure, not from timing, so every process makes
/// the same collective calls in the same order (a process with no rows in a step, whose backward never
/// runs, makes them all at `finish`). Each element is summed once over the same processes as in the
/// one all-reduce after the backward, so the result is the same up to the order MPI sums in (for two
/// processes: identical).
///
/// Only one thread calls into the group at a time: the trainer's thread makes no collective call between
/// ``begin()`` and ``ReductionStep/finish()``.
public final class OverlappedReduction: @unchecked Sendable {
    /// Contiguous runs of the flat gradient buffer, reduced once `readyAfter` blocks have finished their
    /// backward (`nil`: when the backward has ended).
    struct Bucket: Equatable {
        var readyAfter: Int?
        var runs: [Range<Int>]
        var elements: Int { runs.reduce(0) { $0 + $1.count } }
    }

    /// PyTorch DDP's default bucket: 25 MB of f32 gradients.
    public static let defaultBucketElements = 25 * 1_048_576 / 4

    let group: ProcessGroup
    let gradients: GradientStore
    /// The blocks in the order the backward finishes them.
    let blocks: [BlockNames]
    let buckets: [Bucket]

    /// Plans buckets of at least `bucketElements` gradients, each made of whole blocks in backward order.
    public init(group: ProcessGroup, gradients: GradientStore, blocksInBackwardOrder blocks: [BlockNames],
                bucketElements: Int = OverlappedReduction.defaultBucketElements) {
        self.group = group
        self.gradients = gradients
        self.blocks = blocks
        buckets = Self.plan(gradients: gradients, blocks: blocks, bucketElements: max(1, bucketElements))
    }

    static func plan(gradients: GradientStore, blocks: [BlockNames], bucketElements: Int) -> [Bucket] {
        var buckets: [Bucket] = [], pending: [Range<Int>] = [], inBlocks = Set<String>()
        for (i, block) in blocks.enumerated() {
            for name in block.all {
                inBlocks.insert(name)
                if let range = gradients.ranges[name] { pending.append(range) }
            }
            let count = pending.reduce(0) { $0 + $1.count }
            if count >= bucketElements || (i == blocks.count - 1 && count > 0) {
                buckets.append(Bucket(readyAfter: i + 1, runs: merged(pending)))
                pending = []
            }
        }
        let rest = gradients.names.filter { !inBlocks.contains($0) }.compactMap { gradients.ranges[$0] }
        if !rest.isEmpty { buckets.append(Bucket(readyAfter: nil, runs: merged(rest))) }
        return buckets
    }

    /// `ranges` sorted and joined where they touch, so a bucket is as few collective calls as possible.
    static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where !range.isEmpty {
            if let last = runs.last, last.upperBound == range.lowerBound {
                runs[runs.count - 1] = last.lowerBound..<range.upperBound
            } else {
                runs.append(range)
            }
        }
        return runs
    }

    /// Starts reducing this step's gradients as blocks finish; the caller then runs the last
    /// micro-batch's backward with ``ReductionStep/blockFinished(_:)`` as the gradient store's
    /// `blockFinished`, and calls ``ReductionStep/finish()``.
    public func begin() -> ReductionStep {
        let step = ReductionStep(reduction: self)
        step.start()
        return step
    }
}

/// One step's reduction in flight (see ``OverlappedReduction``).
public final class ReductionStep: @unchecked Sendable {
    private let reduction: OverlappedReduction
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var finishedBlocks = 0
    private var backwardEnded = false
    private var done = false
    private var failure: Error?

    init(reduction: OverlappedReduction) {
        self.reduction = reduction
    }

    func start() {
        let thread = Thread { [self] in
            do {
                for bucket in reduction.buckets {
                    waitUntilReady(bucket)
                    let flat = reduction.gradients.flat.f32
                    for run in bucket.runs { try reduction.group.allReduceSum(flat + run.lowerBound, count: run.count) }
                }
            } catch {
                condition.withLock { failure = error }
            }
            condition.withLock {
                done = true
                condition.broadcast()
            }
        }
        thread.name = "duet-allreduce"
        thread.start()
    }

    private func waitUntilReady(_ bucket: OverlappedReduction.Bucket) {
        condition.withLock {
            while !backwardEnded && (bucket.readyAfter.map { finishedBlocks < $0 } ?? true) { condition.wait() }
        }
    }

    /// The backward has finished `block` (called on the trainer's thread, after the block's kernels have
    /// returned, so its gradients are complete). Blocks must finish in the planned order.
    public func blockFinished(_ block: BlockNames) {
        condition.withLock {
            precondition(finishedBlocks < reduction.blocks.count
                         && reduction.blocks[finishedBlocks].preAttentionNorm == block.preAttentionNorm,
                         "the backward finished \(block.preAttentionNorm) out of the planned order")
            finishedBlocks += 1
            condition.broadcast()
        }
    }

    /// The backward is over: reduces what is left and returns when every gradient is summed over the
    /// group; rethrows the first failed collective call.
    public func finish() throws {
        try condition.withLock {
            backwardEnded = true
            condition.broadcast()
            while !done { condition.wait() }
            if let failure { throw failure }
        }
    }
}
