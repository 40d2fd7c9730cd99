import DuetCore
import Foundation
import GRDB

/// A message to import (see ``DuetStore/importConversation(title:modelId:systemPrompt:sampling:messages:)``).
public struct MessageDraft: Sendable, Hashable {
    public var role: Message.Role
    public var content: String

    public init(_ role: Message.Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

extension ChatSession {
    init(_ r: RowReader) throws {
        self.init(id: try r("id"), title: try r("title"), modelId: try r.optional("modelId"),
                  systemPrompt: try r.optional("systemPrompt"), sampling: try r.json("sampling"),
                  createdAt: try r.date("createdAt"), updatedAt: try r.date("updatedAt"))
    }

    static func fetchOne(_ db: Database, id: Int64) throws -> ChatSession? {
        try Row.fetchOne(db, sql: "SELECT * FROM chatSession WHERE id = ?", arguments: [id])
            .map { try ChatSession(RowReader(row: $0, table: "chatSession")) }
    }
}

extension DuetStore {
    /// Starts a chat.
    @discardableResult
    public func createSession(title: String, modelId: Int64? = nil, systemPrompt: String? = nil,
                              sampling: SamplingParameters? = nil) throws(SessionsError) -> ChatSession {
        try write { db in try insertSession(db, title: title, modelId: modelId, systemPrompt: systemPrompt, sampling: sampling) }
    }

    public func session(id: Int64) throws(SessionsError) -> ChatSession? {
        try read { db in try ChatSession.fetchOne(db, id: id) }
    }

    /// Sessions, most recently updated first, with their model and message count.
    public func sessions(limit: Int = 50, offset: Int = 0) throws(SessionsError) -> [ChatSessionSummary] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT chatSession.*,
                       (SELECT count(*) FROM message WHERE message.sessionId = chatSession.id) AS messageCount
                FROM chatSession
                ORDER BY updatedAt DESC, id DESC
                LIMIT ? OFFSET ?
                """, arguments: [limit, offset])
            let models = Dictionary(uniqueKeysWithValues: try ModelRecord.fetchAll(db, sql: "SELECT * FROM model").map { ($0.id, $0) })
            return try rows.map { row in
                let reader = RowReader(row: row, table: "chatSession")
                let session = try ChatSession(reader)
                return ChatSessionSummary(session: session, model: session.modelId.flatMap { models[$0] },
                                          messageCount: try reader("messageCount"))
            }
        }
    }

    /// Number of sessions.
    public func sessionCount() throws(SessionsError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM chatSession") ?? 0 }
    }

    /// Saves the title, model, system prompt and sampling of `session`; bumps `updatedAt`.
    @discardableResult
    public func updateSession(_ session: ChatSession) throws(SessionsError) -> ChatSession {
        try write { db in
            try db.execute(sql: """
                UPDATE chatSession SET title = ?, modelId = ?, systemPrompt = ?, sampling = ?, updatedAt = ? WHERE id = ?
                """, arguments: [session.title, session.modelId, session.systemPrompt, try jsonText(session.sampling),
                                 Date().unixSeconds, session.id])
            guard let saved = try ChatSession.fetchOne(db, id: session.id) else {
                throw SessionsError.notFound(kind: "session", id: session.id)
            }
            return saved
        }
    }

    /// Deletes a session with all its messages.
    public func deleteSession(id: Int64) throws(SessionsError) {
        try write { db in
            try db.execute(sql: "DELETE FROM chatSession WHERE id = ?", arguments: [id])
            if db.changesCount == 0 { throw SessionsError.notFound(kind: "session", id: id) }
        }
    }

    /// Adds a complete message (a user's prompt, or an imported reply) under `parentId`.
    ///
    /// To edit a message, append the new version with the same parent as the old one: both stay,
    /// as siblings. Model replies being generated go through ``beginReply(in:parent:flushInterval:onFlush:)``.
    @discardableResult
    public func appendMessage(to sessionId: Int64, parent parentId: Int64?, role: Message.Role,
                              content: String) throws(SessionsError) -> Message {
        try write { db in
            try insertMessage(db, sessionId: sessionId, parentId: parentId, role: role, content: content, status: .complete)
        }
    }

    /// Creates a session holding a linear conversation, in one transaction (imports, benchmarks).
    @discardableResult
    public func importConversation(title: String, modelId: Int64? = nil, systemPrompt: String? = nil,
                                   sampling: SamplingParameters? = nil,
                                   messages: [MessageDraft]) throws(SessionsError) -> ChatSession {
        try write { db in
            let session = try insertSession(db, title: title, modelId: modelId, systemPrompt: systemPrompt, sampling: sampling)
            var parent: Int64?
            for draft in messages {
                parent = try insertMessage(db, sessionId: session.id, parentId: parent, role: draft.role,
                                           content: draft.content, status: .complete, validate: false).id
            }
            return session
        }
    }

    // MARK: - Internals shared with replies

    func insertSession(_ db: Database, title: String, modelId: Int64?, systemPrompt: String?,
                       sampling: SamplingParameters?) throws -> ChatSession {
        if let modelId, try !exists(db, table: "model", id: modelId) { throw SessionsError.notFound(kind: "model", id: modelId) }
        let now = Date().unixSeconds
        let row = try Row.fetchOne(db, sql: """
            INSERT INTO chatSession (title, modelId, systemPrompt, sampling, createdAt, updatedAt)
            VALUES (?, ?, ?, ?, ?, ?) RETURNING *
            """, arguments: [title, modelId, systemPrompt, try jsonText(sampling), now, now])!
        return try ChatSession(RowReader(row: row, table: "chatSession"))
    }

    /// Inserts a message after checking that the session exists and the parent belongs to it.
    func insertMessage(_ db: Database, sessionId: Int64, parentId: Int64?, role: Message.Role, content: String,
                       status: GenerationStatus, validate: Bool = true) throws -> Message {
        if validate {
            guard try exists(db, table: "chatSession", id: sessionId) else { throw SessionsError.notFound(kind: "session", id: sessionId) }
            if let parentId {
                let owner = try Int64.fetchOne(db, sql: "SELECT sessionId FROM message WHERE id = ?", arguments: [parentId])
                guard let owner else { throw SessionsError.notFound(kind: "message", id: parentId) }
                guard owner == sessionId else {
                    throw SessionsError.invalidArgument("message \(parentId) belongs to session \(owner), not \(sessionId)")
                }
            }
        }
        let now = Date().unixSeconds
        let row = try Row.fetchOne(db, sql: """
            INSERT INTO message (sessionId, parentId, role, content, status, createdAt, updatedAt)
            VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *
            """, arguments: [sessionId, parentId, role.rawValue, content, status.rawValue, now, now])!
        try db.execute(sql: "UPDATE chatSession SET updatedAt = ? WHERE id = ?", arguments: [now, sessionId])
        return try Message(RowReader(row: row, table: "message"), staleAfter: options.staleReplyAfter)
    }

    func exists(_ db: Database, table: String, id: Int64) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE id = ?)", arguments: [id]) ?? false
    }
}
