/// One process's share of every batch under data parallelism: of each batch of the data's
/// `batchSize` rows (the global batch), shard `index` of `count` takes rows
/// `index·B ..< (index+1)·B` with `B = batchSize / count` (as PyTorch DDP and llm.c, the global
/// batch is the per-process batch times the processes). So `count` processes see together exactly the
/// rows one process would, in the same order, and the global batch, not the process count, decides the
/// data stream: a run resumes with any process count that divides it.
public struct DataShard: Sendable, Equatable {
    public let index: Int
    public let count: Int

    /// The whole batch (one process).
    public static let whole = DataShard(unchecked: 0, of: 1)

    private init(unchecked index: Int, of count: Int) {
        self.index = index
        self.count = count
    }

    /// Shard `index` of `count` for global batches of `batchSize` rows, which `count` must divide.
    public init(index: Int, of count: Int, batchSize: Int) throws {
        guard count >= 1, (0..<count).contains(index) else {
            throw DataError.invalidOption(name: "shard", reason: "shard \(index) of \(count) does not exist")
        }
        guard batchSize % count == 0 else {
            throw DataError.invalidOption(name: "batchSize", reason:
                "a global batch of \(batchSize) rows does not split evenly over \(count) processes")
        }
        self.init(unchecked: index, of: count)
    }

    /// The rows of this shard among `rows` rows of a batch whose full size is `batchSize` (the last
    /// batch of an epoch may be short, so later shards get fewer rows or none).
    func rows(of rows: Range<Int>, batchSize: Int) -> Range<Int> {
        let per = batchSize / count
        let lo = min(rows.lowerBound + index * per, rows.upperBound)
        return lo..<min(lo + per, rows.upperBound)
    }
}
