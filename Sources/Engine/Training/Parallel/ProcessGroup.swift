/// The processes that train one model together by data parallelism: each holds the whole model, takes
/// its share of every batch, and the gradients are summed over all of them before each (identical)
/// optimizer step. The trainer knows only this protocol; `SingleProcess` is the group of one (every
/// operation the identity), and the `duet` executable supplies an MPI group under `mpirun`.
///
/// Every process must make the same calls in the same order (they are collective operations), and
/// every process gets the same result.
public protocol ProcessGroup: AnyObject {
    /// This process's index, 0..<size. Rank 0 writes the run's records, checkpoints and output.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }
    /// Sums `count` floats at `buffer` over every process, in place.
    func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws
    /// Sums `count` doubles at `buffer` over every process, in place.
    func allReduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int) throws
    /// The element-wise maximum of `count` integers over every process, in place.
    func allReduceMax(_ buffer: UnsafeMutablePointer<Int64>, count: Int) throws
    /// Copies `byteCount` bytes at `buffer` from process `root` to every other process.
    func broadcast(_ buffer: UnsafeMutableRawPointer, byteCount: Int, root: Int) throws
    /// Returns when every process has called it.
    func barrier() throws
}

extension ProcessGroup {
    /// True on the process that writes records, checkpoints and output.
    public var isRoot: Bool { rank == 0 }

    /// `values` summed over every process.
    public func sum(_ values: [Double]) throws -> [Double] {
        guard size > 1 else { return values }
        var copy = values
        try copy.withUnsafeMutableBufferPointer { try allReduceSum($0.baseAddress!, count: $0.count) }
        return copy
    }

    /// `values` element-wise maximum over every process.
    public func max(_ values: [Int64]) throws -> [Int64] {
        guard size > 1 else { return values }
        var copy = values
        try copy.withUnsafeMutableBufferPointer { try allReduceMax($0.baseAddress!, count: $0.count) }
        return copy
    }

    /// Rank 0's `values` on every process; `values.count` must be the same on every process.
    public func broadcast(_ values: [Int64]) throws -> [Int64] {
        guard size > 1 else { return values }
        var copy = values
        try copy.withUnsafeMutableBytes { try broadcast($0.baseAddress!, byteCount: $0.count, root: 0) }
        return copy
    }
}

/// The group of one process: nothing to exchange.
public final class SingleProcess: ProcessGroup {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws {}
    public func allReduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int) throws {}
    public func allReduceMax(_ buffer: UnsafeMutablePointer<Int64>, count: Int) throws {}
    public func broadcast(_ buffer: UnsafeMutableRawPointer, byteCount: Int, root: Int) throws {}
    public func barrier() throws {}
}
