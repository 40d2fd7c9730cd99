import Foundation

/// A parsed JSON value with its location, so every type mismatch becomes a `TokenizerError` naming the
/// file and the path ("model.merges[12]") instead of a crash or a silent default.
struct JSONNode {
    let value: Any?
    let path: String
    let file: String

    /// Parses `data`; `file` names it in errors.
    static func parse(_ data: Data, file: String) throws -> JSONNode {
        do {
            let value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return JSONNode(value: value, path: "$", file: file)
        } catch {
            throw TokenizerError.malformedJSON(file: file, path: "$", reason: "not valid JSON (\(error.localizedDescription))")
        }
    }

    func error(_ reason: String) -> TokenizerError { .malformedJSON(file: file, path: path, reason: reason) }

    /// True when the value is absent or JSON null. (Checks the metatype: `value is NSNull` would bridge
    /// a whole Swift dictionary to NSDictionary first, which dominated loading a 256k-token file.)
    var isNull: Bool {
        guard let value else { return true }
        return type(of: value) is NSNull.Type
    }

    subscript(key: String) -> JSONNode {
        JSONNode(value: (value as? [String: Any])?[key], path: "\(path).\(key)", file: file)
    }

    func has(_ key: String) -> Bool { (value as? [String: Any])?[key] != nil }

    private var kind: String {
        switch value {
        case _ where isNull: return "null"
        case is String: return "a string"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        default: return "a number or boolean"
        }
    }

    func string() throws -> String {
        guard let s = value as? String else { throw error("expected a string, found \(kind)") }
        return s
    }

    func optionalString() throws -> String? { isNull ? nil : try string() }

    func int() throws -> Int {
        guard !(value is String), let n = value as? NSNumber else { throw error("expected an integer, found \(kind)") }
        let d = n.doubleValue
        guard d == d.rounded(), abs(d) < 9e15 else { throw error("expected an integer, found \(n)") }
        return n.intValue
    }

    func optionalInt() throws -> Int? { isNull ? nil : try int() }

    /// A token id: an integer in 0...Int32.max (`TokenID(n)` of anything larger would trap).
    func tokenID() throws -> TokenID {
        let n = try int()
        guard n >= 0 && n <= Int(TokenID.max) else { throw error("token id \(n) is out of range (0...\(TokenID.max))") }
        return TokenID(n)
    }

    func bool() throws -> Bool {
        guard !(value is String), let n = value as? NSNumber else { throw error("expected a boolean, found \(kind)") }
        return n.boolValue
    }

    func optionalBool() throws -> Bool? { isNull ? nil : try bool() }

    func array() throws -> [JSONNode] {
        guard let items = value as? [Any] else { throw error("expected an array, found \(kind)") }
        return items.enumerated().map { JSONNode(value: $1, path: "\(path)[\($0)]", file: file) }
    }

    func object() throws -> [String: JSONNode] {
        guard let dict = value as? [String: Any] else { throw error("expected an object, found \(kind)") }
        var result: [String: JSONNode] = [:]
        for (key, item) in dict { result[key] = JSONNode(value: item, path: "\(path).\(key)", file: file) }
        return result
    }

    /// A token given either as a string or as an AddedToken object {"content": ...}.
    func tokenContent() throws -> String? {
        if isNull { return nil }
        if value is String { return try string() }
        return try self["content"].string()
    }
}
