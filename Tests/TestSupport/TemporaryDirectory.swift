import Foundation

/// A fresh directory under the system temporary directory (made with `mkdtemp`, so unique even across
/// test processes), removed with its content when the value is released. The one temporary-directory
/// helper of every test target.
public final class TemporaryDirectory {
    /// The directory's path.
    public let path: String

    public init(prefix: String = "duet-test") {
        var template = Array((NSTemporaryDirectory() + prefix + "-XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed: \(String(cString: strerror(errno)))")
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit {
        // A test may have made it read-only (to provoke write errors).
        _ = try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The directory as a file URL.
    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// A path inside the directory.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// A file URL inside the directory.
    public func fileURL(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Names in the directory, sorted.
    public func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }
}
