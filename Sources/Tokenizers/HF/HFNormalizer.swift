import Foundation

/// tokenizer.json `normalizer`s, applied to UTF-8 bytes of each segment between added tokens.
indirect enum HFNormalizer {
    case replace(pattern: [UInt8], content: [UInt8])
    case prepend([UInt8])
    case sequence([HFNormalizer])
    case nfc, nfd, nfkc, nfkd
    case lowercase
    case strip(left: Bool, right: Bool)

    /// Parses a normalizer object (nil for JSON null).
    static func parse(_ node: JSONNode) throws -> HFNormalizer? {
        if node.isNull { return nil }
        let type = try node["type"].string()
        switch type {
        case "Replace":
            return .replace(pattern: Array(try stringPattern(node["pattern"]).utf8), content: Array(try node["content"].string().utf8))
        case "Prepend":
            return .prepend(Array(try node["prepend"].string().utf8))
        case "Sequence":
            return .sequence(try node["normalizers"].array().compactMap { try parse($0) })
        case "NFC": return .nfc
        case "NFD": return .nfd
        case "NFKC": return .nfkc
        case "NFKD": return .nfkd
        case "Lowercase": return .lowercase
        case "Strip":
            return .strip(left: try node["strip_left"].optionalBool() ?? true, right: try node["strip_right"].optionalBool() ?? true)
        case "Precompiled":
            // SentencePiece charsmaps; an empty one (identity) is a no-op.
            if let map = try node["precompiled_charsmap"].optionalString(), !map.isEmpty {
                throw TokenizerError.unsupported(file: node.file, field: "\(node.path).precompiled_charsmap", value: "(non-empty charsmap)")
            }
            return .sequence([])
        default:
            throw TokenizerError.unsupported(file: node.file, field: "\(node.path).type", value: "normalizer \"\(type)\"")
        }
    }

    /// A `{"String": "..."}` pattern; regex patterns are not implemented.
    static func stringPattern(_ node: JSONNode) throws -> String {
        if node["String"].value is String { return try node["String"].string() }
        if node.has("Regex") {
            throw TokenizerError.unsupported(file: node.file, field: node.path, value: "Regex pattern \(String(describing: node["Regex"].value ?? ""))")
        }
        throw node.error("expected {\"String\": ...}")
    }

    func apply(_ bytes: [UInt8]) -> [UInt8] {
        switch self {
        case let .replace(pattern, content):
            return Self.replacing(bytes, pattern, content)
        case let .prepend(prefix):
            return bytes.isEmpty ? bytes : prefix + bytes
        case let .sequence(steps):
            return steps.reduce(bytes) { $1.apply($0) }
        case .nfc: return Array(String(decoding: bytes, as: UTF8.self).precomposedStringWithCanonicalMapping.utf8)
        case .nfd: return Array(String(decoding: bytes, as: UTF8.self).decomposedStringWithCanonicalMapping.utf8)
        case .nfkc: return Array(String(decoding: bytes, as: UTF8.self).precomposedStringWithCompatibilityMapping.utf8)
        case .nfkd: return Array(String(decoding: bytes, as: UTF8.self).decomposedStringWithCompatibilityMapping.utf8)
        case .lowercase:
            // Per character, without context (Rust's char::to_lowercase, no final-sigma rule).
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
                out += Array(scalar.properties.lowercaseMapping.utf8)
            }
            return out
        case let .strip(left, right):
            let scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
            var lo = 0, hi = scalars.count
            if left { while lo < hi && UnicodeClasses.isWhitespace(scalars[lo]) { lo += 1 } }
            if right { while hi > lo && UnicodeClasses.isWhitespace(scalars[hi - 1]) { hi -= 1 } }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[lo..<hi])
            return Array(String(view).utf8)
        }
    }

    /// Replaces every non-overlapping occurrence of `pattern`, left to right. Byte-level matching of a
    /// valid UTF-8 pattern only ever matches at character boundaries, so this equals string replacement.
    static func replacing(_ bytes: [UInt8], _ pattern: [UInt8], _ content: [UInt8]) -> [UInt8] {
        guard let first = pattern.first, bytes.count >= pattern.count else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 2)
        let n = bytes.count, m = pattern.count
        var i = 0
        while i < n {
            if bytes[i] == first && i + m <= n {
                var k = 1
                while k < m && bytes[i + k] == pattern[k] { k += 1 }
                if k == m {
                    out += content
                    i += m
                    continue
                }
            }
            out.append(bytes[i])
            i += 1
        }
        return out
    }
}
