import Foundation
import GRDB

extension Message {
    /// Decodes a `message` row (optionally LEFT JOINed with `messageStats`); a `streaming` reply whose
    /// process is gone or that stopped changing reads as `interrupted` (see ``GenerationOwner``).
    init(_ r: RowReader, staleAfter: TimeInterval, now: Date = Date(), hostName: String = currentHostName()) throws {
        let updatedAt = try r.date("updatedAt")
        let status = try GenerationOwner.status(r, updatedAt: updatedAt, staleAfter: staleAfter, now: now, hostName: hostName)
        self.init(id: try r("id"), sessionId: try r("sessionId"), parentId: try r.optional("parentId"),
                  role: try r.enumeration("role"), content: try r("content"), status: status,
                  error: try r.optional("error"), createdAt: try r.date("createdAt"), updatedAt: updatedAt,
                  stats: try MessageStats(r))
    }
}

extension DuetStore {
    /// `SELECT` prefix joining messages with their stats.
    static let messageSelect = """
        SELECT message.*, messageStats.* FROM message
        LEFT JOIN messageStats ON messageStats.messageId = message.id
        """

    func fetchMessages(_ db: Database, sql: String, arguments: StatementArguments) throws -> [Message] {
        let now = Date(), host = currentHostName()
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map {
            try Message(RowReader(row: $0, table: "message"), staleAfter: options.staleReplyAfter, now: now, hostName: host)
        }
    }

    public func message(id: Int64) throws(SessionsError) -> Message? {
        try read { db in
            try fetchMessages(db, sql: "\(Self.messageSelect) WHERE message.id = ?", arguments: [id]).first
        }
    }

    /// Every message of a session, all branches, in creation order (a parent always precedes its children).
    public func messages(in sessionId: Int64) throws(SessionsError) -> [Message] {
        try read { db in
            try fetchMessages(db, sql: "\(Self.messageSelect) WHERE message.sessionId = ? ORDER BY message.id",
                              arguments: [sessionId])
        }
    }

    /// The direct children of a message (its alternative continuations), oldest first.
    public func children(of messageId: Int64) throws(SessionsError) -> [Message] {
        try read { db in
            try fetchMessages(db, sql: "\(Self.messageSelect) WHERE message.parentId = ? ORDER BY message.id",
                              arguments: [messageId])
        }
    }

    /// The messages without a parent in a session (several when the first message was edited), oldest first.
    public func rootMessages(in sessionId: Int64) throws(SessionsError) -> [Message] {
        try read { db in
            try fetchMessages(db, sql: """
                \(Self.messageSelect) WHERE message.sessionId = ? AND message.parentId IS NULL ORDER BY message.id
                """, arguments: [sessionId])
        }
    }

    /// The branch ending at `messageId`: its root first, `messageId` last.
    public func path(to messageId: Int64) throws(SessionsError) -> [Message] {
        let path = try read { db in
            try fetchMessages(db, sql: """
                WITH RECURSIVE ancestor(id, depth) AS (
                    SELECT ?, 0
                    UNION ALL
                    SELECT message.parentId, ancestor.depth + 1
                    FROM message JOIN ancestor ON message.id = ancestor.id
                    WHERE message.parentId IS NOT NULL
                )
                SELECT message.*, messageStats.* FROM ancestor
                JOIN message ON message.id = ancestor.id
                LEFT JOIN messageStats ON messageStats.messageId = message.id
                ORDER BY ancestor.depth DESC
                """, arguments: [messageId])
        }
        if path.isEmpty { throw .notFound(kind: "message", id: messageId) }
        return path
    }

    /// The most recently created message of a session. It is always a leaf (children are created after
    /// their parent), and the end of the branch the user last worked on.
    public func latestLeaf(in sessionId: Int64) throws(SessionsError) -> Message? {
        try read { db in
            try fetchMessages(db, sql: "\(Self.messageSelect) WHERE message.sessionId = ? ORDER BY message.id DESC LIMIT 1",
                              arguments: [sessionId]).first
        }
    }

    /// The current conversation of a session: the branch ending at ``latestLeaf(in:)`` (empty if no messages).
    public func conversation(in sessionId: Int64) throws(SessionsError) -> [Message] {
        guard let leaf = try latestLeaf(in: sessionId) else {
            if try session(id: sessionId) == nil { throw .notFound(kind: "session", id: sessionId) }
            return []
        }
        return try path(to: leaf.id)
    }
}
