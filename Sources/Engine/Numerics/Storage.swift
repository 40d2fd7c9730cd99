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
    /// Whether the bytes are an unmodified private file mapping, whose pages can be dropped and read
    /// again from the file (``releasePages(byteOffset:byteCount:)``).
    private let fileBacked: Bool

    /// Allocates `byteCount` zeroed bytes, 64-byte aligned (cache line, AVX-512 friendly).
    public init(byteCount: Int) {
        let size = max(byteCount, 1)
        base = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        self.byteCount = byteCount
        owner = nil
        ownsMemory = true
        fileBacked = false
    }

    /// Wraps memory owned by `owner` (for example a file mapping); `owner` lives as long as this storage.
    /// `fileBacked`: the memory is a private mapping of a file that nobody writes through.
    public init(borrowing base: UnsafeMutableRawPointer, byteCount: Int, owner: AnyObject, fileBacked: Bool = false) {
        self.base = base
        self.byteCount = byteCount
        self.owner = owner
        ownsMemory = false
        self.fileBacked = fileBacked
    }

    /// Drops the resident pages wholly inside the given bytes of a file-backed storage (a later read
    /// faults them in again from the file). Used after copying a weight into another layout at load, so
    /// that the process does not hold both copies; nothing happens for other storages.
    public func releasePages(byteOffset: Int, byteCount count: Int) {
        guard fileBacked, count > 0 else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = Int(bitPattern: base) + byteOffset, end = start + count
        let first = (start + page - 1) / page * page, last = end / page * page
        guard last > first, let address = UnsafeMutableRawPointer(bitPattern: first) else { return }
        madvise(address, last - first, Int32(MADV_DONTNEED))
    }

    deinit {
        if ownsMemory { base.deallocate() }
    }
}
