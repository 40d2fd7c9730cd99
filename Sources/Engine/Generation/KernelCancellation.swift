import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The cancellation flag of the inference running on this thread, for kernels that take long.
///
/// Stacks check their flag between layers, but one layer of a long prompt on a 2B model is seconds
/// of work (a 4,096-token Gemma 2 2B layer is about 0.6 TFLOP). Inside a layer, the loops that make
/// up most of it (the widened weight blocks of a 16-bit GEMM, the (batch, head, query block) loop
/// of attention) check this flag between iterations and skip the rest once it is set: the output
/// is then garbage, which the caller, having seen the same flag, throws away. The flag is per thread
/// (engine code calls kernels from its one orchestrating thread), so concurrent inferences in one
/// process, such as parallel tests, never stop each other.
enum KernelCancellation {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Runs `body` with `flag` as this thread's cancellation flag (nil: `body` runs as is).
    static func with<R>(_ flag: CancellationFlag?, _ body: () throws -> R) rethrows -> R {
        guard let flag else { return try body() }
        let previous = pthread_getspecific(key)
        pthread_setspecific(key, Unmanaged.passUnretained(flag).toOpaque())
        defer { pthread_setspecific(key, previous) }
        return try withExtendedLifetime(flag) { try body() }
    }

    /// Whether this thread's inference was cancelled.
    static var isCancelled: Bool {
        guard let raw = pthread_getspecific(key) else { return false }
        return Unmanaged<CancellationFlag>.fromOpaque(raw).takeUnretainedValue().isCancelled
    }
}
