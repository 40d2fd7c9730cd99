import Foundation

/// A JSON value: what model files, reports and the database's JSON columns hold.
///
/// Objects keep their members in order and integers stay exact. Foundation's `JSONSerialization`
/// loses key order (safetensors lists tensors in file order), turns large integers into doubles (data
/// offsets) and lets `1` pass as `true` on Linux; model files need all three right, so ``JSONParser``
/// parses them itself and ``JSONWriter`` writes them back in the same order. The database side uses
/// the `Codable` conformance and ``jsonText(pretty:)`` (sorted keys), see `JSONValue+Codable.swift`.
///
/// Equality and hashing ignore the order of an object's members (JSON objects are unordered; order
/// only matters when a file is written), so a value read back from the database equals the one stored.
public indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// An integer literal that fits in `Int`.
    case int(Int)
    /// Any other number (fraction, exponent, or an integer too large for `Int`).
    case double(Double)
    case string(String)
    case array([JSONValue])
    /// Members in order, keys unique.
    case object([(String, JSONValue)])

    /// The member named `key` of an object (nil for other values or an absent key).
    public subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }

    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The number as a Double, for int or double values.
    public var doubleValue: Double? {
        switch self {
        case let .int(i): Double(i)
        case let .double(d): d
        default: nil
        }
    }

    /// The value as an integer: int values, and doubles with no fractional part that fit in `Int`.
    public var intValue: Int? {
        switch self {
        case let .int(i): return i
        case let .double(d):
            guard d.rounded() == d, abs(d) < 0x1p62 else { return nil }
            return Int(d)
        default: return nil
        }
    }
}

extension JSONValue: Hashable {
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case let (.bool(x), .bool(y)): x == y
        case let (.int(x), .int(y)): x == y
        case let (.double(x), .double(y)): x == y
        case let (.string(x), .string(y)): x == y
        case let (.array(x), .array(y)): x == y
        case let (.object(x), .object(y)): sameMembers(x, y)
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case let .bool(b): hasher.combine(1); hasher.combine(b)
        case let .int(i): hasher.combine(2); hasher.combine(i)
        case let .double(d): hasher.combine(3); hasher.combine(d)
        case let .string(s): hasher.combine(4); hasher.combine(s)
        case let .array(items): hasher.combine(5); hasher.combine(items)
        case let .object(members):
            hasher.combine(6)
            hasher.combine(members.count)
            for (key, value) in Self.byKey(members) {
                hasher.combine(key)
                hasher.combine(value)
            }
        }
    }

    /// The same members, in any order.
    private static func sameMembers(_ x: [(String, JSONValue)], _ y: [(String, JSONValue)]) -> Bool {
        guard x.count == y.count else { return false }
        // Most comparisons are of values with the same key order: no sorting needed there.
        if zip(x, y).allSatisfy({ $0.0 == $1.0 }) { return zip(x, y).allSatisfy { $0.1 == $1.1 } }
        return zip(byKey(x), byKey(y)).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    /// Members sorted by key (a stable sort, so equal and hashed values agree even with repeated keys).
    private static func byKey(_ members: [(String, JSONValue)]) -> [(String, JSONValue)] {
        members.sorted { $0.0 < $1.0 }
    }
}
