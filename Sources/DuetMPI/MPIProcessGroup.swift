import CMPI
import Engine
import Foundation

/// A failed MPI call, with MPI's message.
public struct MPIError: Error, CustomStringConvertible {
    public let call: String
    public let code: Int32
    public let message: String

    public var description: String { "MPI \(call) failed (\(code)): \(message)" }
}

/// The processes of an `mpirun` job (MPI_COMM_WORLD) as a `ProcessGroup`, over Open MPI.
///
/// MPI is initialised only when the process was launched by `mpirun` with more than one process
/// (`OMPI_COMM_WORLD_SIZE`), so a plain `duet` never starts an MPI runtime. Errors are returned
/// (MPI_ERRORS_RETURN) and thrown as `MPIError` rather than aborting inside MPI, so the caller can say
/// what failed before it ends the job with `abort(code:)`. Once `armTimeout(onTimeout:)` is called, a
/// collective call that waits longer than `DUET_MPI_TIMEOUT` seconds (default 3600: longer than rank 0
/// takes to write a 9B-2B checkpoint; 0 turns it off) ends the process, so that a rank that stops
/// answering does not hang the others forever.
public final class MPIProcessGroup: ProcessGroup {
    public let rank: Int
    public let size: Int
    private let world: MPI_Comm
    private var finalized = false
    private let timeout: Double?
    private var watchdog: CollectiveWatchdog?

    /// From now on, a collective call that waits longer than the timeout ends this process after
    /// calling `onTimeout` with the message (for rank 0 to record the failure). Called when training
    /// starts: before it, a rank may legitimately wait long for another (rank 0 tokenising a corpus).
    public func armTimeout(onTimeout: ((String) -> Void)? = nil) {
        guard let timeout, watchdog == nil else { return }
        let watchdog = CollectiveWatchdog(timeout: timeout)
        watchdog.onTimeout = onTimeout
        self.watchdog = watchdog
    }

    /// Seconds a collective call may wait (`DUET_MPI_TIMEOUT`), nil for no limit.
    static func timeout(_ environment: [String: String]) -> Double? {
        let seconds = environment["DUET_MPI_TIMEOUT"].flatMap(Double.init) ?? 3600
        return seconds > 0 ? seconds : nil
    }

    /// Elements per MPI call: MPI counts are 32-bit, and a 2B-parameter gradient is not. Chunks of 64M
    /// floats (256 MB) keep each call well inside that and large enough to run at link speed.
    static let chunk = 1 << 26

    /// The job's processes when this process was launched by `mpirun` among several, else nil (run
    /// alone). Initialises MPI (once per process).
    public static func launched(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MPIProcessGroup? {
        guard let text = environment["OMPI_COMM_WORLD_SIZE"], let n = Int(text), n > 1 else { return nil }
        return try MPIProcessGroup(timeout: timeout(environment))
    }

    private init(timeout: Double?) throws {
        self.timeout = timeout
        var provided: Int32 = 0
        // Serialized: MPI is called from the training thread only, while the engine's worker threads
        // never call it.
        try Self.check("MPI_Init_thread", MPI_Init_thread(nil, nil, duet_mpi_thread_serialized(), &provided))
        world = duet_mpi_comm_world()
        try Self.check("MPI_Comm_set_errhandler", MPI_Comm_set_errhandler(world, duet_mpi_errors_return()))
        var r: Int32 = 0, s: Int32 = 0
        try Self.check("MPI_Comm_rank", MPI_Comm_rank(world, &r))
        try Self.check("MPI_Comm_size", MPI_Comm_size(world, &s))
        rank = Int(r)
        size = Int(s)
    }

    public func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws {
        try inChunks(count, "MPI_Allreduce") { lo, n in
            try Self.check("MPI_Allreduce", MPI_Allreduce(duet_mpi_in_place(), buffer + lo, n, duet_mpi_float(), duet_mpi_sum(), world))
        }
    }

    public func allReduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int) throws {
        try inChunks(count, "MPI_Allreduce") { lo, n in
            try Self.check("MPI_Allreduce", MPI_Allreduce(duet_mpi_in_place(), buffer + lo, n, duet_mpi_double(), duet_mpi_sum(), world))
        }
    }

    public func allReduceMax(_ buffer: UnsafeMutablePointer<Int64>, count: Int) throws {
        try inChunks(count, "MPI_Allreduce") { lo, n in
            try Self.check("MPI_Allreduce", MPI_Allreduce(duet_mpi_in_place(), buffer + lo, n, duet_mpi_int64(), duet_mpi_max(), world))
        }
    }

    public func broadcast(_ buffer: UnsafeMutableRawPointer, byteCount: Int, root: Int) throws {
        try inChunks(byteCount, "MPI_Bcast") { lo, n in
            try Self.check("MPI_Bcast", MPI_Bcast(buffer + lo, n, duet_mpi_byte(), Int32(root), world))
        }
    }

    public func barrier() throws {
        try watched("MPI_Barrier") { try Self.check("MPI_Barrier", MPI_Barrier(world)) }
    }

    /// Ends MPI in this process (every process calls it once, after its last collective call).
    public func finalize() {
        guard !finalized else { return }
        finalized = true
        watchdog?.stop()
        MPI_Finalize()
    }

    /// Ends every process of the job with exit status `code` (after a failure in one of them, so that
    /// none waits forever in a collective call the failed one will never make).
    public func abort(code: Int32) -> Never {
        MPI_Abort(world, code)
        exit(code)
    }

    private func inChunks(_ count: Int, _ call: String, _ body: (Int, Int32) throws -> Void) throws {
        var lo = 0
        while lo < count {
            let n = min(Self.chunk, count - lo)
            try watched(call) { try body(lo, Int32(n)) }
            lo += n
        }
    }

    private func watched(_ call: String, _ body: () throws -> Void) throws {
        guard let watchdog else { return try body() }
        try watchdog.watch(call, body)
    }

    private static func check(_ call: String, _ code: Int32) throws {
        guard code != duet_mpi_success() else { return }
        var text = [CChar](repeating: 0, count: Int(duet_mpi_max_error_string()) + 1)
        var length: Int32 = 0
        MPI_Error_string(code, &text, &length)
        throw MPIError(call: call, code: code, message: String(cString: text))
    }
}
