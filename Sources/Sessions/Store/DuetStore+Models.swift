import Foundation
import GRDB

extension ModelRecord {
    init(_ r: RowReader) throws {
        self.init(id: try r("id"), path: try r("path"), architecture: try r("architecture"),
                  parameterCount: try r.optional("parameterCount"), contentHash: try r("contentHash"),
                  label: try r.optional("label"), registeredAt: try r.date("registeredAt"))
    }

    static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [ModelRecord] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { try ModelRecord(RowReader(row: $0, table: "model")) }
    }
}

extension DuetStore {
    /// Records a model by the content hash of its weights, or updates the record that has that hash
    /// (new path and architecture; parameter count and label only when given).
    @discardableResult
    public func registerModel(path: String, architecture: String, parameterCount: Int64? = nil,
                              contentHash: String, label: String? = nil) throws(SessionsError) -> ModelRecord {
        guard !contentHash.isEmpty else { throw .invalidArgument("a model needs a content hash") }
        return try write { db in
            try ModelRecord.fetchAll(db, sql: """
                INSERT INTO model (path, architecture, parameterCount, contentHash, label, registeredAt)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (contentHash) DO UPDATE SET
                    path = excluded.path,
                    architecture = excluded.architecture,
                    parameterCount = coalesce(excluded.parameterCount, parameterCount),
                    label = coalesce(excluded.label, label)
                RETURNING *
                """, arguments: [path, architecture, parameterCount, contentHash, label, Date().unixSeconds])[0]
        }
    }

    /// Sets (or with nil clears) the user's label of a model.
    public func setLabel(_ label: String?, forModel id: Int64) throws(SessionsError) {
        try write { db in
            try db.execute(sql: "UPDATE model SET label = ? WHERE id = ?", arguments: [label, id])
            if db.changesCount == 0 { throw SessionsError.notFound(kind: "model", id: id) }
        }
    }

    public func model(id: Int64) throws(SessionsError) -> ModelRecord? {
        try read { db in try ModelRecord.fetchAll(db, sql: "SELECT * FROM model WHERE id = ?", arguments: [id]).first }
    }

    public func model(contentHash: String) throws(SessionsError) -> ModelRecord? {
        try read { db in
            try ModelRecord.fetchAll(db, sql: "SELECT * FROM model WHERE contentHash = ?", arguments: [contentHash]).first
        }
    }

    /// All models, most recently registered first.
    public func models() throws(SessionsError) -> [ModelRecord] {
        try read { db in try ModelRecord.fetchAll(db, sql: "SELECT * FROM model ORDER BY registeredAt DESC, id DESC") }
    }
}
