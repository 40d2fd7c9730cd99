import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that readers see either the old contents or the complete new contents, never a
/// torn file, even if the process dies or the disk fills mid-write: the bytes go to a temporary file
/// in the same directory, which is fsynced, renamed over the target, and the directory fsynced. A failed
/// system call throws ``FileWriteError``.
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
        try prepare(url, body).commit()
    }

    /// First phase of an atomic write: the complete contents of `url`, written and fsynced to a
    /// temporary file next to it, not yet visible under `url`. Several files prepared and then
    /// committed together narrow the window in which a crash leaves a mix of old and new files.
    public static func prepare(_ url: URL, _ body: (FileSink) throws -> Void) throws -> PendingFile {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let temp = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileWriteError(file: path, operation: "create temporary file", errno: errno) }
        var closed = false
        do {
            try body(FileSink(fd: fd, path: path))
            guard fsync(fd) == 0 else { throw FileWriteError(file: path, operation: "fsync", errno: errno) }
            closed = true
            guard close(fd) == 0 else { throw FileWriteError(file: path, operation: "close", errno: errno) }
        } catch {
            if !closed { close(fd) }
            unlink(temp)
            throw error
        }
        return PendingFile(url: url, temporaryPath: temp)
    }

    /// Removes `url` if it exists and fsyncs its directory; a missing file is not an error.
    public static func remove(_ url: URL) throws {
        if unlink(url.path) != 0 && errno != ENOENT {
            throw FileWriteError(file: url.path, operation: "remove", errno: errno)
        }
        syncDirectory(url.deletingLastPathComponent().path)
    }

    /// Makes a rename or unlink in `directory` durable. Best effort: some filesystems refuse
    /// fsync on directories, and the data itself is already safe by then.
    public static func syncDirectory(_ directory: String) {
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }
}

/// A fully written, fsynced temporary file waiting to be renamed over its target.
public struct PendingFile {
    public let url: URL
    let temporaryPath: String

    /// Renames the temporary file over `url` and fsyncs the directory.
    public func commit() throws {
        guard rename(temporaryPath, url.path) == 0 else {
            let code = errno
            unlink(temporaryPath)
            throw FileWriteError(file: url.path, operation: "rename", errno: code)
        }
        AtomicFile.syncDirectory(url.deletingLastPathComponent().path)
    }

    /// Deletes the temporary file; `url` is untouched.
    public func discard() { unlink(temporaryPath) }
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
                throw FileWriteError(file: path, operation: "write", errno: errno)
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

/// `write(2)`, under a name the sink's own `write` methods do not shadow.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, bytes, count)
    #elseif canImport(Darwin)
    Darwin.write(fd, bytes, count)
    #endif
}
