import Foundation

/// Writes JSON the way Python's `json.dumps` does, so files Duet writes look like the ones
/// transformers writes: `compact` for safetensors headers, or indented by two spaces.
public enum JSONWriter {
    /// `value` as JSON text: indented by `indent` spaces a level, or compact (no spaces) when nil.
    public static func string(_ value: JSONValue, indent: Int? = 2) -> String {
        var out = ""
        write(value, indent: indent, level: 0, into: &out)
        return out
    }

    /// The bytes of `string(value, indent:)` followed by a newline when indented.
    public static func data(_ value: JSONValue, indent: Int? = 2) -> Data {
        Data((string(value, indent: indent) + (indent == nil ? "" : "\n")).utf8)
    }

    private static func write(_ value: JSONValue, indent: Int?, level: Int, into out: inout String) {
        switch value {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .int(v): out += String(v)
        case let .double(d): out += formatDouble(d)
        case let .string(s): writeString(s, into: &out)
        case let .array(items):
            writeContainer(items.map { (nil, $0) }, open: "[", close: "]", indent: indent, level: level, into: &out)
        case let .object(members):
            writeContainer(members.map { ($0.0, $0.1) }, open: "{", close: "}", indent: indent, level: level, into: &out)
        }
    }

    private static func writeContainer(_ items: [(String?, JSONValue)], open: String, close: String,
                                       indent: Int?, level: Int, into out: inout String) {
        out += open
        if items.isEmpty { out += close; return }
        for (n, (key, item)) in items.enumerated() {
            if n > 0 { out += "," }
            if let indent { out += "\n" + String(repeating: " ", count: indent * (level + 1)) }
            if let key {
                writeString(key, into: &out)
                out += indent == nil ? ":" : ": "
            }
            write(item, indent: indent, level: level + 1, into: &out)
        }
        if let indent { out += "\n" + String(repeating: " ", count: indent * level) }
        out += close
    }

    /// Python's float repr: shortest round-trip digits, always with a '.' or an exponent.
    static func formatDouble(_ d: Double) -> String {
        guard d.isFinite else { return d.isNaN ? "NaN" : (d > 0 ? "Infinity" : "-Infinity") }
        var s = "\(d)"
        if !s.contains(".") && !s.contains("e") { s += ".0" }
        return s
    }

    /// `s` as a JSON string literal (escaping `"`, `\\` and control characters only, as serde_json and
    /// Python's json with ensure_ascii=False do).
    public static func quoted(_ s: String) -> String {
        var out = ""
        writeString(s, into: &out)
        return out
    }

    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
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
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
