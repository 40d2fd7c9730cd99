import Foundation

/// A value in `config.toml`.
public enum ConfigValue: Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    case array([ConfigValue])
}

/// An error in `config.toml`, with the file and line it was found on.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var message: String

    public var description: String { "\(path):\(line): \(message)" }
}

/// The subset of TOML that Duet's `config.toml` uses: `[section]` tables, `key = value` pairs with bare
/// or quoted keys, basic and literal strings, integers, floats, booleans, arrays (may span lines), and
/// comments. Anything else is reported as an error with its line, never silently skipped.
public struct ConfigFile {
    public struct Entry: Equatable {
        public var key: String
        public var value: ConfigValue
        public var line: Int
    }

    public let path: String
    /// Entries per table name ("" for keys before the first table), in file order.
    public private(set) var tables: [String: [Entry]] = [:]

    public init(path: String, text: String) throws {
        self.path = path
        var parser = Parser(chars: Array(text.unicodeScalars), path: path)
        var table = ""
        var seen: Set<String> = []
        while let line = try parser.nextStatement() {
            switch line {
            case .table(let name, let at):
                guard !seen.contains("[\(name)]") else { throw ConfigError(path: path, line: at, message: "table [\(name)] defined twice") }
                seen.insert("[\(name)]")
                table = name
                tables[name, default: []] += []
            case .pair(let key, let value, let at):
                let id = "\(table).\(key)"
                guard !seen.contains(id) else { throw ConfigError(path: path, line: at, message: "key \"\(key)\" defined twice") }
                seen.insert(id)
                tables[table, default: []].append(Entry(key: key, value: value, line: at))
            }
        }
    }

    /// Reads `path`; a missing file is an empty configuration.
    public static func load(path: String) throws -> ConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else { return try ConfigFile(path: path, text: "") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(path: path, line: 1, message: "not valid UTF-8")
        }
        return try ConfigFile(path: path, text: text)
    }

    public func entries(in table: String) -> [Entry] { tables[table] ?? [] }

    private enum Statement {
        case table(String, line: Int)
        case pair(String, ConfigValue, line: Int)
    }

    private struct Parser {
        let chars: [Unicode.Scalar]
        let path: String
        var i = 0
        var line = 1
        /// Arrays open inside the value being read: bounded, since each level is a stack frame.
        var depth = 0
        static let maxDepth = 100

        init(chars: [Unicode.Scalar], path: String) {
            self.chars = chars
            self.path = path
        }

        func error(_ message: String) -> ConfigError { ConfigError(path: path, line: line, message: message) }
        var current: Unicode.Scalar? { i < chars.count ? chars[i] : nil }

        mutating func advance() {
            if chars[i] == "\n" { line += 1 }
            i += 1
        }

        mutating func skipSpaces() { while let c = current, c == " " || c == "\t" { advance() } }

        /// Skips spaces, comments and newlines (between statements and inside arrays).
        mutating func skipBlank() {
            while let c = current {
                if c == " " || c == "\t" || c == "\n" || c == "\r" { advance() } else if c == "#" { skipComment() } else { break }
            }
        }

        mutating func skipComment() { while let c = current, c != "\n" { advance() } }

        /// After a statement: only spaces and a comment may follow on its line.
        mutating func endOfLine() throws {
            skipSpaces()
            if current == "#" { skipComment() }
            if current == "\r" { advance() }
            guard current == nil || current == "\n" else { throw error("unexpected \"\(current!)\" after value") }
        }

        mutating func nextStatement() throws -> Statement? {
            skipBlank()
            guard let c = current else { return nil }
            let at = line
            if c == "[" {
                advance()
                skipSpaces()
                var name = try key()
                skipSpaces()
                while current == "." { advance(); skipSpaces(); name += "." + (try key()); skipSpaces() }
                guard current == "]" else { throw error("expected \"]\" to close the table name") }
                advance()
                try endOfLine()
                return .table(name, line: at)
            }
            // A dotted key ("app.palette") names one setting; Duet's tables are flat, so keep it whole.
            var k = try key()
            skipSpaces()
            while current == "." { advance(); skipSpaces(); k += "." + (try key()); skipSpaces() }
            guard current == "=" else { throw error("expected \"=\" after key \"\(k)\"") }
            advance()
            skipSpaces()
            let v = try value()
            try endOfLine()
            return .pair(k, v, line: at)
        }

        mutating func key() throws -> String {
            if current == "\"" { return try basicString() }
            if current == "'" { return try literalString() }
            var s = ""
            while let c = current, c.properties.isAlphabetic && c.isASCII || ("0"..."9").contains(c) || c == "_" || c == "-" {
                s.unicodeScalars.append(c)
                advance()
            }
            guard !s.isEmpty else { throw error(current.map { "unexpected \"\($0)\" where a key was expected" } ?? "expected a key") }
            return s
        }

        mutating func value() throws -> ConfigValue {
            guard let c = current else { throw error("expected a value") }
            switch c {
            case "\"": return .string(try basicString())
            case "'": return .string(try literalString())
            case "[":
                guard depth < Self.maxDepth else { throw error("arrays nested more than \(Self.maxDepth) deep") }
                depth += 1
                defer { depth -= 1 }
                advance()
                var items: [ConfigValue] = []
                while true {
                    skipBlank()
                    if current == "]" { advance(); return .array(items) }
                    items.append(try value())
                    skipBlank()
                    if current == "," { advance(); continue }
                    guard current == "]" else { throw error("expected \",\" or \"]\" in array") }
                }
            default:
                var word = ""
                while let d = current, !" \t\r\n#,]".unicodeScalars.contains(d) { word.unicodeScalars.append(d); advance() }
                if word == "true" { return .bool(true) }
                if word == "false" { return .bool(false) }
                let digits = word.replacingOccurrences(of: "_", with: "")
                if let n = Int(digits) { return .integer(n) }
                if let f = Double(digits), digits.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .float(f) }
                throw error("unsupported value \"\(word)\" (expected a string, number, boolean or array)")
            }
        }

        mutating func basicString() throws -> String {
            advance()  // opening quote
            var s = ""
            while let c = current {
                if c == "\"" { advance(); return s }
                if c == "\n" { break }
                if c == "\\" {
                    advance()
                    guard let e = current else { break }
                    switch e {
                    case "n": s += "\n"
                    case "t": s += "\t"
                    case "r": s += "\r"
                    case "\"": s += "\""
                    case "\\": s += "\\"
                    case "u", "U":
                        let n = e == "u" ? 4 : 8
                        var hex = ""
                        for _ in 0..<n {
                            advance()
                            // At the end of the text: stop before `advance()` reads past it.
                            guard let h = current else { throw error("unterminated string") }
                            hex.unicodeScalars.append(h)
                        }
                        guard let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else { throw error("bad escape \\\(e)\(hex)") }
                        s.unicodeScalars.append(scalar)
                    default: throw error("unsupported escape \\\(e)")
                    }
                    advance()
                    continue
                }
                s.unicodeScalars.append(c)
                advance()
            }
            throw error("unterminated string")
        }

        mutating func literalString() throws -> String {
            advance()
            var s = ""
            while let c = current, c != "\n" {
                if c == "'" { advance(); return s }
                s.unicodeScalars.append(c)
                advance()
            }
            throw error("unterminated string")
        }
    }
}
