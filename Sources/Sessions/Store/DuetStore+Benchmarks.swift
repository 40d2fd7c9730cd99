import GRDB

extension DuetStore {
    /// The baseline `duet bench sessions` compares full-text search with: the substring scan a store
    /// without a full-text index would run: the newest `limit` messages containing every term (as substrings).
    /// Returns the number found.
    @_spi(Benchmarks)
    public func substringSearch(allOf terms: [String], limit: Int) throws(SessionsError) -> Int {
        guard !terms.isEmpty else { return 0 }
        let conditions = Array(repeating: "content LIKE ?", count: terms.count).joined(separator: " AND ")
        return try read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT id FROM message WHERE \(conditions) ORDER BY id DESC LIMIT ?)",
                             arguments: StatementArguments(terms.map { "%\($0)%" } + [limit])) ?? 0
        }
    }

}
