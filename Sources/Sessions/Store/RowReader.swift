import Foundation
import GRDB

/// Decodes the columns of one row of `table`, turning bad values into ``SessionsError/invalidStoredValue(table:column:detail:)``
/// instead of GRDB's fatal errors.
struct RowReader {
    let row: Row
    let table: String

    func callAsFunction<T: DatabaseValueConvertible>(_ column: String) throws -> T {
        do { return try row.decode(T.self, forColumn: column) } catch {
            throw SessionsError.invalidStoredValue(table: table, column: column, detail: "\(error)")
        }
    }

    func optional<T: DatabaseValueConvertible>(_ column: String) throws -> T? {
        do { return try row.decode(T?.self, forColumn: column) } catch {
            throw SessionsError.invalidStoredValue(table: table, column: column, detail: "\(error)")
        }
    }

    func date(_ column: String) throws -> Date { Date(timeIntervalSince1970: try self(column) as Double) }

    func optionalDate(_ column: String) throws -> Date? {
        (try optional(column) as Double?).map(Date.init(timeIntervalSince1970:))
    }

    func enumeration<E: RawRepresentable>(_ column: String) throws -> E where E.RawValue == String {
        let raw: String = try self(column)
        guard let value = E(rawValue: raw) else {
            throw SessionsError.invalidStoredValue(table: table, column: column, detail: "unknown value \(raw)")
        }
        return value
    }

    func optionalEnumeration<E: RawRepresentable>(_ column: String) throws -> E? where E.RawValue == String {
        guard (try optional(column) as String?) != nil else { return nil }
        return try enumeration(column) as E
    }

    func json<T: Decodable>(_ column: String, as type: T.Type = T.self) throws -> T? {
        guard let text: String = try optional(column) else { return nil }
        do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
            throw SessionsError.invalidStoredValue(table: table, column: column, detail: "malformed JSON: \(error)")
        }
    }
}

/// Compact JSON text with sorted keys, for JSON columns.
func jsonText<T: Encodable>(_ value: T?) throws -> String? {
    guard let value else { return nil }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

extension Date {
    /// Seconds since 1970, the representation of every time column.
    var unixSeconds: Double { timeIntervalSince1970 }
}

extension MessageStats {
    /// Column names shared by `messageStats` and `comparisonEntryStats`, in ``databaseValues()`` order.
    static let columns = [
        "promptTokens", "encoderTokens", "encodeMs", "prefillMs", "timeToFirstTokenMs", "decodeTokensPerSecond",
        "generatedTokens", "seed", "sampling", "stopReason", "modelHash", "engineThreads", "blasThreads", "engineVersion",
    ]

    func databaseValues() throws -> [(any DatabaseValueConvertible)?] {
        [
            promptTokens, encoderTokens, encodeMs, prefillMs, timeToFirstTokenMs, decodeTokensPerSecond,
            generatedTokens, seed.map { Int64(bitPattern: $0) }, try jsonText(sampling), stopReason?.rawValue,
            modelHash, engineThreads, blasThreads, engineVersion,
        ]
    }

    /// Stats from a row that LEFT JOINs a stats table; nil when the joined row is absent.
    init?(_ r: RowReader) throws {
        guard let promptTokens: Int = try r.optional("promptTokens") else { return nil }
        self.init(
            promptTokens: promptTokens, encoderTokens: try r.optional("encoderTokens"),
            encodeMs: try r.optional("encodeMs"), prefillMs: try r.optional("prefillMs"),
            timeToFirstTokenMs: try r.optional("timeToFirstTokenMs"),
            decodeTokensPerSecond: try r.optional("decodeTokensPerSecond"),
            generatedTokens: try r("generatedTokens"),
            seed: (try r.optional("seed") as Int64?).map { UInt64(bitPattern: $0) },
            sampling: try r.json("sampling"), stopReason: try r.optionalEnumeration("stopReason"),
            modelHash: try r.optional("modelHash"), engineThreads: try r.optional("engineThreads"),
            blasThreads: try r.optional("blasThreads"), engineVersion: try r.optional("engineVersion"))
    }

    /// Inserts or replaces the stats row of `ownerId` in `table` (whose key column is `keyColumn`).
    func save(_ db: Database, table: String, keyColumn: String, ownerId: Int64) throws {
        let columns = [keyColumn] + Self.columns
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        try db.execute(
            sql: "INSERT OR REPLACE INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))",
            arguments: StatementArguments([ownerId] + (try databaseValues())))
    }
}
