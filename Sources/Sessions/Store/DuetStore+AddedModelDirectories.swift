import Foundation
import GRDB

extension DuetStore {
    /// Remembers a model directory the user added by path. Adding it again keeps its first date (and
    /// its place in the list, which is by date).
    @discardableResult
    public func addModelDirectory(_ path: String) throws(SessionsError) -> AddedModelDirectory {
        guard path.hasPrefix("/") else { throw .invalidArgument("an added model directory needs an absolute path, not \(path)") }
        return try write { db in
            try db.execute(sql: "INSERT INTO addedModelDirectory (path, addedAt) VALUES (?, ?) ON CONFLICT (path) DO NOTHING",
                           arguments: [path, Date().unixSeconds])
            let row = try Row.fetchOne(db, sql: "SELECT * FROM addedModelDirectory WHERE path = ?", arguments: [path])!
            return try AddedModelDirectory(RowReader(row: row, table: "addedModelDirectory"))
        }
    }

    /// Forgets an added model directory (its files stay). Returns whether it was remembered.
    @discardableResult
    public func removeModelDirectory(_ path: String) throws(SessionsError) -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM addedModelDirectory WHERE path = ?", arguments: [path])
            return db.changesCount > 0
        }
    }

    /// The added model directories, oldest first (the order they were added in).
    public func addedModelDirectories() throws(SessionsError) -> [AddedModelDirectory] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM addedModelDirectory ORDER BY addedAt, rowid").map {
                try AddedModelDirectory(RowReader(row: $0, table: "addedModelDirectory"))
            }
        }
    }
}

extension AddedModelDirectory {
    init(_ r: RowReader) throws {
        self.init(path: try r("path"), addedAt: try r.date("addedAt"))
    }
}
