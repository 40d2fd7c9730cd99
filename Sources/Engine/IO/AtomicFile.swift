import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that readers see either the old contents or the complete new contents, never a
/// torn file, even if the process dies or the disk fills mid-write: the bytes go to a temporary file
/// in the same directory, which is fsynced, renamed over the target, and the directory fsynced.
public enum AtomicFile {
    /// Replaces `url` with `data` atomically.
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { sink in
            try data.withUnsafeBytes { buffer in
                if let base = buffer.baseAddress { try sink.write(base, count: buffer.count) }
            }
        }
    }

    /// Replaces `url` atomically with the bytes `body` writes to the sink. If `body` throws, the
    /// temporary file is removed, `url` is untouched and the error is rethrown.
    public static func write(to url: URL, _ body: (FileSink) throws -> Void) throws {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let temp = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CheckpointError.io(file: path, operation: "create temporary file", errno: errno) }
        var closed = false
        do {
            try body(FileSink(fd: fd, path: path))
            guard fsync(fd) == 0 else { throw CheckpointError.io(file: path, operation: "fsync", errno: errno) }
            closed = true
            guard close(fd) == 0 else { throw CheckpointError.io(file: path, operation: "close", errno: errno) }
            guard rename(temp, path) == 0 else { throw CheckpointError.io(file: path, operation: "rename", errno: errno) }
        } catch {
            if !closed { close(fd) }
            unlink(temp)
            throw error
        }
        syncDirectory(directory)
    }

    /// Removes `url` if it exists and fsyncs its directory; a missing file is not an error.
    public static func remove(_ url: URL) throws {
        if unlink(url.path) != 0 && errno != ENOENT {
            throw CheckpointError.io(file: url.path, operation: "remove", errno: errno)
        }
        syncDirectory(url.deletingLastPathComponent().path)
    }

    /// Makes a rename or unlink in `directory` durable. Best effort: some filesystems refuse
    /// fsync on directories, and the data itself is already safe by then.
    static func syncDirectory(_ directory: String) {
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }
}

/// The write end of an atomic file: writes all bytes or throws, retrying short writes and EINTR.
public struct FileSink {
    let fd: Int32
    let path: String

    /// Writes `count` bytes from `bytes`.
    public func write(_ bytes: UnsafeRawPointer, count: Int) throws {
        var done = 0
        while done < count {
            // Linux transfers at most 0x7ffff000 bytes per call; ask for less than that.
            let n = systemWrite(fd, bytes + done, min(count - done, 1 << 30))
            if n < 0 {
                if errno == EINTR { continue }
                throw CheckpointError.io(file: path, operation: "write", errno: errno)
            }
            done += n
        }
    }

    /// Writes the bytes of `data`.
    public func write(_ data: Data) throws {
        try data.withUnsafeBytes { buffer in
            if let base = buffer.baseAddress { try write(base, count: buffer.count) }
        }
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
