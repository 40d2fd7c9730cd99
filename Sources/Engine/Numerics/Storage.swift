#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A block of bytes that tensors view: either a zero-filled heap allocation the storage owns, or a
/// region of memory owned by someone else (a memory-mapped file) that the storage keeps alive.
public final class Storage: @unchecked Sendable {
    /// Start of the bytes (64-byte aligned for owned allocations).
    public let base: UnsafeMutableRawPointer
    /// Size in bytes.
    public let byteCount: Int
    private let owner: AnyObject?
    private let ownsMemory: Bool

    /// Allocates `byteCount` zeroed bytes, 64-byte aligned (cache line, AVX-512 friendly).
    public init(byteCount: Int) {
        let size = max(byteCount, 1)
        base = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        self.byteCount = byteCount
        owner = nil
        ownsMemory = true
    }

    /// Wraps memory owned by `owner` (for example a file mapping); `owner` lives as long as this storage.
    public init(borrowing base: UnsafeMutableRawPointer, byteCount: Int, owner: AnyObject) {
        self.base = base
        self.byteCount = byteCount
        self.owner = owner
        ownsMemory = false
    }

    deinit {
        if ownsMemory { base.deallocate() }
    }
}
