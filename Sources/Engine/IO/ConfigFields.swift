import DuetCore
import Foundation
import Tokenizers

/// Typed access to the members of one JSON object of a config file. Absent and `null` members read
/// as nil; a present member of the wrong type is an error naming the file and the dotted field path
/// (`decoder.num_key_value_heads`).
struct ConfigFields {
    let object: JSONValue
    let file: String
    /// Path of this object inside the file, with a trailing dot (`""` at the top level).
    let prefix: String

    init(_ object: JSONValue, file: String, prefix: String = "") throws {
        guard case .object = object else {
            throw CheckpointError.config(file: file, field: prefix.isEmpty ? "(root)" : String(prefix.dropLast()),
                                         reason: "expected an object, found \(object.kindName)")
        }
        self.object = object
        self.file = file
        self.prefix = prefix
    }

    func error(_ key: String, _ reason: String) -> CheckpointError {
        .config(file: file, field: prefix + key, reason: reason)
    }

    /// The member, nil when absent or null.
    func value(_ key: String) -> JSONValue? {
        guard let v = object[key], v != .null else { return nil }
        return v
    }

    func has(_ key: String) -> Bool { object[key] != nil }

    func int(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        guard let i = v.intValue else { throw error(key, "expected an integer, found \(describe(v))") }
        return i
    }

    /// A size that must be at least 1.
    func positiveInt(_ key: String, default fallback: Int) throws -> Int {
        let n = try int(key) ?? fallback
        guard n > 0 else { throw error(key, "must be positive, found \(n)") }
        return n
    }

    func float(_ key: String) throws -> Float? {
        guard let v = value(key) else { return nil }
        guard let d = v.doubleValue else { throw error(key, "expected a number, found \(describe(v))") }
        return Float(d)
    }

    /// A number that must be finite and greater than zero.
    func positiveFloat(_ key: String, default fallback: Float) throws -> Float {
        let x = try float(key) ?? fallback
        guard x.isFinite, x > 0 else { throw error(key, "must be a positive number, found \(x)") }
        return x
    }

    func bool(_ key: String) throws -> Bool? {
        guard let v = value(key) else { return nil }
        guard case let .bool(b) = v else { throw error(key, "expected true or false, found \(describe(v))") }
        return b
    }

    func string(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard case let .string(s) = v else { throw error(key, "expected a string, found \(describe(v))") }
        return s
    }

    /// A token id or a list of them (`eos_token_id` is either); each must fit a `TokenID`.
    func tokenIDs(_ key: String) throws -> [TokenID]? {
        guard let v = value(key) else { return nil }
        let items: [JSONValue]
        if case let .array(a) = v { items = a } else { items = [v] }
        return try items.map { item in
            guard let i = item.intValue, i >= 0, i <= Int(TokenID.max) else {
                throw error(key, "expected a token id (non-negative integer) or a list of them, found \(describe(v))")
            }
            return TokenID(i)
        }
    }

    func tokenID(_ key: String) throws -> TokenID? {
        guard let v = value(key) else { return nil }
        guard let i = v.intValue, i >= 0, i <= Int(TokenID.max) else {
            throw error(key, "expected a token id (non-negative integer), found \(describe(v))")
        }
        return TokenID(i)
    }

    /// The nested object `key`, or nil when absent or null.
    func nested(_ key: String) throws -> ConfigFields? {
        guard let v = value(key) else { return nil }
        return try ConfigFields(v, file: file, prefix: prefix + key + ".")
    }

    private func describe(_ v: JSONValue) -> String {
        let text = JSONWriter.string(v, indent: nil)
        return text.count <= 40 ? text : v.kindName
    }
}
