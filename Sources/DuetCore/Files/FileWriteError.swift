import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An operating-system call on a file failed (create, write, fsync, close, rename, remove): what
/// ``AtomicFile`` throws, naming the file, the operation and the system's reason.
///
/// Engine's `CheckpointError.io` reads the same to a user (it delegates its text here), so a failed
/// write says the same thing whichever layer wrote the file.
public struct FileWriteError: Error, CustomStringConvertible, Equatable {
    /// The file being written.
    public let file: String
    /// The call that failed, as people say it ("fsync", "create temporary file").
    public let operation: String
    /// `errno` right after the call.
    public let errno: Int32

    public init(file: String, operation: String, errno: Int32) {
        self.file = file
        self.operation = operation
        self.errno = errno
    }

    public var description: String { Self.describe(file: file, operation: operation, errno: errno) }

    /// "FILE: OPERATION failed: REASON", the text of every failed system call on a file.
    public static func describe(file: String, operation: String, errno code: Int32) -> String {
        "\(file): \(operation) failed: \(String(cString: strerror(code)))"
    }
}
