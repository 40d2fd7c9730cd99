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

