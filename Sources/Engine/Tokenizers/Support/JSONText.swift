import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Deterministic JSON text for files Duet writes (key order and formatting fixed, so the same training
/// run gives byte-identical files), escaped as serde_json does: `"` `\` and control characters only.
enum JSONText {
    static func quote(_ string: String) -> String {
        var out = "\""
        out.reserveCapacity(string.utf8.count + 2)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func list(_ strings: [String]) -> String { "[" + strings.map(quote).joined(separator: ", ") + "]" }
}

/// Writes files atomically: a temporary file in the same directory, fsync, then rename over the target.
enum AtomicFile {
    static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw TokenizerError.unreadable(file: temporary.path, reason: "cannot create (\(String(cString: strerror(errno))))") }
        var ok = true
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 { if errno == EINTR { continue }; ok = false; break }
                offset += written
            }
        }
        if fsync(fd) != 0 { ok = false }
        close(fd)
        guard ok, rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw TokenizerError.unreadable(file: url.path, reason: "cannot write (\(reason))")
        }
        let dirFD = open(directory.path, O_RDONLY)
        if dirFD >= 0 { fsync(dirFD); close(dirFD) }
    }
}
