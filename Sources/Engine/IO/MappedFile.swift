import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped into memory copy-on-write: reading costs page faults, not copies, and code
/// that writes through a view (say, an optimizer updating weights in place) changes the process's
/// private copy of those pages, never the file. No swap is reserved up front (MAP_NORESERVE), so
/// mapping a checkpoint larger than RAM + swap works as long as few of its pages are written.
final class MappedFile: @unchecked Sendable {
    let path: String
    /// Start of the mapping (nil for an empty file, which cannot be mapped).
    let base: UnsafeMutableRawPointer?
    let size: Int

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CheckpointError.io(file: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CheckpointError.io(file: path, operation: "stat", errno: errno) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw CheckpointError.io(file: path, operation: "open (not a regular file)", errno: EISDIR)
        }
        size = Int(st.st_size)
        if size == 0 {
            base = nil
            return
        }
        #if os(Linux)
        let flags = MAP_PRIVATE | MAP_NORESERVE
        #else
        let flags = MAP_PRIVATE
        #endif
        let p = mmap(nil, size, PROT_READ | PROT_WRITE, flags, fd, 0)
        guard let p, p != MAP_FAILED else { throw CheckpointError.io(file: path, operation: "mmap", errno: errno) }
        base = p
    }

    deinit {
        if let base { munmap(base, size) }
    }

    /// The mapped bytes.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: size) }
}

/// Reads a whole (small) file, reporting failures as `CheckpointError.io` with the errno.
func readWholeFile(_ url: URL) throws -> Data {
    let mapping = try MappedFile(path: url.path)
    guard let base = mapping.base else { return Data() }
    return Data(bytes: base, count: mapping.size)
}
