import Foundation

/// A fresh directory under the system temporary directory, removed (with its content) on release.
final class TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "duet-tui-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A path inside the directory.
    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
}
