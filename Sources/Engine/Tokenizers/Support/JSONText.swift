import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Deterministic JSON text for files Duet writes (key order and formatting fixed, so the same training
/// run gives byte-identical files), escaped as serde_json does: `"` `\` and control characters only.
enum JSONText {
    static func quote(_ string: String) -> String { JSONWriter.quoted(string) }

    static func list(_ strings: [String]) -> String { "[" + strings.map(quote).joined(separator: ", ") + "]" }
}

