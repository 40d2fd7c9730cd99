import Foundation

/// How the database stores JSON it does not interpret (run configs, evaluation results): through
/// `Codable`, as compact text with sorted keys.
///
/// The trainer converts its own configuration type with ``init(encoding:)`` and reads it back with
/// ``decode(_:)``; the CLI prints it as nested JSON rather than as an escaped string. This text is
/// Foundation's `JSONEncoder` output, not ``JSONWriter``'s: stored rows keep the bytes they always had.
extension JSONValue {
    /// Encodes `value` with `JSONEncoder` and captures the result.
    public init(encoding value: some Encodable) throws {
        let data = try JSONEncoder().encode(value)
        self = try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// Parses JSON text (strictly, keeping key order: see ``JSONParser``).
    public init(parsing text: String) throws {
        self = try JSONParser.parse(Array(text.utf8))
    }

    /// Decodes this document as `type`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(jsonText().utf8))
    }

    /// Compact JSON text with sorted keys (stable, so equal documents give equal text).
    public func jsonText(pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a JSONValue cannot fail except for non-finite doubles, which we encode as null.
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "null"
    }
}

extension JSONValue: Codable {
    /// Decodes any JSON value. A decoder does not say in which order an object's keys came, so
    /// objects get their members sorted by key (the same value on every run).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else {
            let members = try container.decode([String: JSONValue].self)
            self = .object(members.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): if value.isFinite { try container.encode(value) } else { try container.encodeNil() }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        // As a dictionary, as the database has always stored it (the encoder decides the key order).
        case .object(let members): try container.encode(Dictionary(members, uniquingKeysWith: { first, _ in first }))
        }
    }
}
