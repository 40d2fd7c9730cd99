import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

extension DuetStore {
    /// Starts a model reply under `parent` (usually the user's message): inserts an empty `streaming`
    /// assistant message and returns the writer that fills it.
    ///
    /// - Parameters:
    ///   - flushInterval: longest time generated text stays only in memory (default one second).
    ///   - onFlush: called on the writer's queue after each background write, with the number of
    ///     characters now stored.
    public func beginReply(in sessionId: Int64, parent: Int64?, flushInterval: TimeInterval = 1,
                           onFlush: (@Sendable (_ savedCharacters: Int) -> Void)? = nil) throws(SessionsError) -> ReplyWriter {
        guard flushInterval > 0 else { throw .invalidArgument("flushInterval must be positive") }
        let message = try write { db in
            let message = try insertMessage(db, sessionId: sessionId, parentId: parent, role: .assistant, content: "", status: .streaming)
            try db.execute(sql: "UPDATE message SET ownerPid = ?, ownerHost = ? WHERE id = ?",
                           arguments: [getpid(), currentHostName(), message.id])
            return message
        }
        return ReplyWriter(store: self, target: .message(id: message.id), flushInterval: flushInterval, onFlush: onFlush)
    }

    /// Starts generating one side of a comparison: sets its output to empty and status to `streaming`.
    public func beginOutput(forEntry entryId: Int64, flushInterval: TimeInterval = 1,
                            onFlush: (@Sendable (_ savedCharacters: Int) -> Void)? = nil) throws(SessionsError) -> ReplyWriter {
        guard flushInterval > 0 else { throw .invalidArgument("flushInterval must be positive") }
        try write { db in
            try db.execute(sql: """
                UPDATE comparisonEntry SET output = '', status = 'streaming', error = NULL, updatedAt = ?, ownerPid = ?, ownerHost = ?
                WHERE id = ?
                """, arguments: [Date().unixSeconds, getpid(), currentHostName(), entryId])
            if db.changesCount == 0 { throw SessionsError.notFound(kind: "comparison entry", id: entryId) }
            try db.execute(sql: "DELETE FROM comparisonEntryStats WHERE entryId = ?", arguments: [entryId])
        }
        return ReplyWriter(store: self, target: .comparisonEntry(id: entryId), flushInterval: flushInterval, onFlush: onFlush)
    }

    /// Stores the text generated so far (one small transaction).
    func writeStreamingText(_ target: ReplyWriter.Target, text: String) throws(SessionsError) {
        try write { db in
            switch target {
            case .message(let id):
                try db.execute(sql: "UPDATE message SET content = ?, updatedAt = ? WHERE id = ? AND status = 'streaming'",
                               arguments: [text, Date().unixSeconds, id])
            case .comparisonEntry(let id):
                try db.execute(sql: "UPDATE comparisonEntry SET output = ?, updatedAt = ? WHERE id = ? AND status = 'streaming'",
                               arguments: [text, Date().unixSeconds, id])
            }
            if db.changesCount == 0 {
                throw SessionsError.invalidArgument("\(target) is no longer streaming (finished, or deleted)")
            }
        }
    }

    /// Stores the final text, status, error and stats of a generation in one transaction.
    func finishGeneration(_ target: ReplyWriter.Target, text: String, status: GenerationStatus, stats: MessageStats?,
                          error: String?) throws(SessionsError) {
        try write { db in
            let now = Date().unixSeconds
            switch target {
            case .message(let id):
                try db.execute(sql: """
                    UPDATE message SET content = ?, status = ?, error = ?, updatedAt = ? WHERE id = ? AND status = 'streaming'
                    """, arguments: [text, status.rawValue, error, now, id])
                if db.changesCount == 0 { throw SessionsError.invalidArgument("message \(id) is no longer streaming") }
                try stats?.save(db, table: "messageStats", keyColumn: "messageId", ownerId: id)
                try db.execute(sql: """
                    UPDATE chatSession SET updatedAt = ? WHERE id = (SELECT sessionId FROM message WHERE id = ?)
                    """, arguments: [now, id])
            case .comparisonEntry(let id):
                try db.execute(sql: """
                    UPDATE comparisonEntry SET output = ?, status = ?, error = ?, updatedAt = ? WHERE id = ? AND status = 'streaming'
                    """, arguments: [text, status.rawValue, error, now, id])
                if db.changesCount == 0 { throw SessionsError.invalidArgument("comparison entry \(id) is no longer streaming") }
                try stats?.save(db, table: "comparisonEntryStats", keyColumn: "entryId", ownerId: id)
            }
        }
    }
}
