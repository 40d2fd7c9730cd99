import GRDB

/// How ``DuetStore/search(_:limit:order:)`` sorts hits of the same kind.
public enum SearchOrder: String, Sendable, CaseIterable {
    /// Best match first (FTS5 bm25). Costs time proportional to the number of matching messages.
    case relevance
    /// Newest first. Stops after `limit` hits, so it stays fast for very common words.
    case recency
}

extension DuetStore {
    /// Full-text search over session titles and message contents (SQLite FTS5).
    ///
    /// `query` may use FTS5 syntax (`"exact phrase"`, `token*`, `OR`, `NOT`); text that is not valid
    /// syntax is searched as plain words, all of which must match. Title hits come first, then message
    /// hits, each sorted by `order`. Matching ignores case and diacritics.
    public func search(_ query: String, limit: Int = 50, order: SearchOrder = .relevance) throws(SessionsError) -> [SearchHit] {
        guard let words = Self.plainWordsPattern(query), limit > 0 else { return [] }
        return try read { db in
            do {
                return try search(db, pattern: query, limit: limit, order: order)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
                // Not valid FTS5 syntax (e.g. "C++" or "a-b"): search its words instead.
                return try search(db, pattern: words, limit: limit, order: order)
            }
        }
    }

    /// `"word1" "word2"...`: every letter-or-digit run of `query` as a quoted FTS5 token (nil if none).
    static func plainWordsPattern(_ query: String) -> String? {
        let words = query.split { !($0.isLetter || $0.isNumber) }
        guard !words.isEmpty else { return nil }
        return words.map { "\"\($0)\"" }.joined(separator: " ")
    }

    private func search(_ db: Database, pattern: String, limit: Int, order: SearchOrder) throws -> [SearchHit] {
        let orderSQL = order == .relevance ? "rank" : "rowid DESC"
        let outerOrderSQL = order == .relevance ? "hit.rank" : "hit.rowid DESC"
        // ORDER BY + LIMIT inside the FTS query lets FTS5 compute snippets only for the rows returned
        // (and, by rowid, stop early); the joins come after.
        let titleRows = try Row.fetchAll(db, sql: """
            SELECT hit.rowid AS sessionId, chatSession.title, hit.snippet, hit.rank FROM (
                SELECT rowid, highlight(chatSessionSearch, 0, '[', ']') AS snippet, rank
                FROM chatSessionSearch WHERE chatSessionSearch MATCH ? ORDER BY \(orderSQL) LIMIT ?
            ) AS hit JOIN chatSession ON chatSession.id = hit.rowid
            ORDER BY \(outerOrderSQL)
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
                FROM messageSearch WHERE messageSearch MATCH ? ORDER BY \(orderSQL) LIMIT ?
            ) AS hit
            JOIN message ON message.id = hit.rowid
            JOIN chatSession ON chatSession.id = message.sessionId
            ORDER BY \(outerOrderSQL)
            """, arguments: [pattern, remaining])
        hits += try messageRows.map { row in
            let r = RowReader(row: row, table: "messageSearch")
            return SearchHit(sessionId: try r("sessionId"), sessionTitle: try r("title"), messageId: try r("messageId"),
                             role: try r.enumeration("role"), snippet: try r("snippet"), rank: try r("rank"))
        }
        return hits
    }
}
