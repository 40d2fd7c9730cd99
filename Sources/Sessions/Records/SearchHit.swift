/// A full-text search result: a session whose title matches, or a message whose content matches.
public struct SearchHit: Codable, Sendable, Hashable {
    public var sessionId: Int64
    public var sessionTitle: String
    /// nil when the hit is the session title.
    public var messageId: Int64?
    public var role: Message.Role?
    /// The matching text around the hit, matched terms in `[` `]`.
    public var snippet: String
    /// SQLite FTS5 bm25 rank (lower is better).
    public var rank: Double
}
