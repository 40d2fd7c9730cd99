import CBLAS
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The engine's one threading policy.
///
/// The machine's cores are owned by exactly one of two pools at any moment, never both:
/// - **OpenBLAS** threads run every GEMM (`sgemm`), with `EngineThreads.count` threads;
/// - the engine's own **Dispatch workers** (`parallelFor`) run the SIMD kernels (bf16 GEMV, attention,
///   norms, activations), split into at most `EngineThreads.count` chunks.
///
/// Engine code calls BLAS only from the orchestrating thread, never from inside a `parallelFor`
/// body, and a `parallelFor` returns only when all its chunks are done; so the two pools take turns
/// and the process never runs more than `count` compute threads (no oversubscription). The count is
/// set once at startup (`duet --threads N`, default: the number of online cores).
public enum EngineThreads {
    nonisolated(unsafe) private static var configured = 0
    private static let lock = NSLock()

    /// Number of compute threads the engine uses (configured on first use if nobody did).
    public static var count: Int {
        lock.lock()
        defer { lock.unlock() }
        if configured == 0 { configureLocked(nil) }
        return configured
    }

    /// Number of online cores.
    public static var onlineCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Sets the thread count (nil: all online cores) for the engine workers and for OpenBLAS.
    /// Call at startup, before any computation.
    public static func configure(_ threads: Int?) {
        lock.lock()
        defer { lock.unlock() }
        configureLocked(threads)
    }

    private static func configureLocked(_ threads: Int?) {
        let n = max(1, threads ?? onlineCores)
        configured = n
        BLASKernels.selectBest()
        openblas_set_num_threads(Int32(n))
    }

    /// Runs `body` over `0..<n` split into contiguous chunks on up to `count` workers.
    /// Work below `minimumPerChunk` items per chunk runs inline, where threading costs more than it saves.
    public static func parallelFor(_ n: Int, minimumPerChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        guard n > 0 else { return }
        parallelChunks(n, minimumPerChunk: minimumPerChunk) { _, range in body(range) }
    }

    /// The number of chunks `parallelFor` splits `n` items into.
    public static func chunkCount(_ n: Int, minimumPerChunk: Int = 1) -> Int {
        min(count, max(1, n / max(1, minimumPerChunk)))
    }

    /// `parallelFor` that also passes each chunk's index (`0..<chunkCount(n, minimumPerChunk:)`), for work
    /// that keeps one partial result per chunk and reduces them afterwards in chunk order (deterministic
    /// for a given thread count).
    public static func parallelChunks(_ n: Int, minimumPerChunk: Int = 1, _ body: (Int, Range<Int>) -> Void) {
        guard n > 0 else { return }
        let chunks = chunkCount(n, minimumPerChunk: minimumPerChunk)
        if chunks <= 1 {
            body(0, 0..<n)
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = n * c / chunks, hi = n * (c + 1) / chunks
            if lo < hi { body(c, lo..<hi) }
        }
    }
}
