import GRDB

extension DuetStore {
    /// Full-text search over session titles and message contents (SQLite FTS5).
    ///
    /// `query` may use FTS5 syntax (`"exact phrase"`, `token*`, `OR`, `NOT`); text that is not valid
    /// syntax is searched as plain words, all of which must match. Title hits come first, then message
    /// hits, each best-ranked first (bm25).
    public func search(_ query: String, limit: Int = 50) throws(SessionsError) -> [SearchHit] {
        guard FTS5Pattern(matchingAllTokensIn: query) != nil else { return [] }
        return try read { db in
            do {
                return try search(db, pattern: query, limit: limit)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
                // Not valid FTS5 syntax (e.g. "C++" or "a-b"): search its words instead.
                guard let words = FTS5Pattern(matchingAllTokensIn: query) else { return [] }
                return try search(db, pattern: words.rawPattern, limit: limit)
            }
        }
    }

    private func search(_ db: Database, pattern: String, limit: Int) throws -> [SearchHit] {
        // ORDER BY rank LIMIT inside the FTS query lets FTS5 stop early and compute snippets only for
        // the rows returned; the joins come after.
        let titleRows = try Row.fetchAll(db, sql: """
            SELECT hit.rowid AS sessionId, chatSession.title, hit.snippet, hit.rank FROM (
                SELECT rowid, highlight(chatSessionSearch, 0, '[', ']') AS snippet, rank
                FROM chatSessionSearch WHERE chatSessionSearch MATCH ? ORDER BY rank LIMIT ?
            ) AS hit JOIN chatSession ON chatSession.id = hit.rowid
            ORDER BY hit.rank
            """, arguments: [pattern, limit])
        var hits = try titleRows.map { row in
            let r = RowReader(row: row, table: "chatSessionSearch")
            return SearchHit(sessionId: try r("sessionId"), sessionTitle: try r("title"), messageId: nil, role: nil,
                             snippet: try r("snippet"), rank: try r("rank"))
        }
        let remaining = limit - hits.count
        guard remaining > 0 else { return hits }
        let messageRows = try Row.fetchAll(db, sql: """
            SELECT hit.rowid AS messageId, message.sessionId, message.role, chatSession.title, hit.snippet, hit.rank FROM (
                SELECT rowid, snippet(messageSearch, 0, '[', ']', '…', 16) AS snippet, rank
                FROM messageSearch WHERE messageSearch MATCH ? ORDER BY rank LIMIT ?
            ) AS hit
            JOIN message ON message.id = hit.rowid
            JOIN chatSession ON chatSession.id = message.sessionId
            ORDER BY hit.rank
            """, arguments: [pattern, remaining])
        hits += try messageRows.map { row in
            let r = RowReader(row: row, table: "messageSearch")
            return SearchHit(sessionId: try r("sessionId"), sessionTitle: try r("title"), messageId: try r("messageId"),
                             role: try r.enumeration("role"), snippet: try r("snippet"), rank: try r("rank"))
        }
        return hits
    }
}
