import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// Which process is generating a `streaming` text (a chat reply or a comparison side), and what a
/// reader makes of it: a text whose owner process is gone (same host) or that stopped changing (owner
/// elsewhere or unknown, after ``DuetStore/Options/staleReplyAfter``) is interrupted, not generating.
///
/// Interrupted texts are stored as `stopped` with an error starting with ``storedMarker``, so the
/// schema's status values stay as they are and every reader (old or new) sees a final text.
enum GenerationOwner {
    /// The start of the `error` of a text stored as interrupted.
    static let storedMarker = "interrupted:"

    /// The status a reader reports for a stored row.
    static func status(_ r: RowReader, updatedAt: Date, staleAfter: TimeInterval, now: Date, hostName: String) throws -> GenerationStatus {
        let recorded: GenerationStatus = try r.enumeration("status")
        switch recorded {
        case .streaming:
            let pid: Int32? = try r.optional("ownerPid")
            let host: String? = try r.optional("ownerHost")
            if let pid, host == hostName { return processExists(pid) ? .streaming : .interrupted }
            return now.timeIntervalSince(updatedAt) > staleAfter ? .interrupted : .streaming
        case .stopped:
            let error: String? = try r.optional("error")
            return error?.hasPrefix(storedMarker) == true ? .interrupted : .stopped
        default:
            return recorded
        }
    }

    /// Whether a process with this id runs on this host (a pid reused since reads as alive: then the
    /// text is marked interrupted only once it goes stale).
    static func processExists(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno != ESRCH }

    /// Stores as interrupted every `streaming` text in `table` whose owner process on this host is gone.
    /// Returns how many.
    static func settle(_ db: Database, table: String, hostName: String) throws -> Int {
        let owned = try Row.fetchAll(db, sql: """
            SELECT id, ownerPid FROM \(table) WHERE status = 'streaming' AND ownerHost = ? AND ownerPid IS NOT NULL
            """, arguments: [hostName])
        var settled = 0
        for row in owned {
            let id: Int64 = row["id"], pid: Int32 = row["ownerPid"]
            guard !processExists(pid) else { continue }
            try db.execute(sql: """
                UPDATE \(table) SET status = 'stopped', error = ?, updatedAt = ? WHERE id = ? AND status = 'streaming'
                """, arguments: ["\(storedMarker) the process generating it (pid \(pid)) ended", Date().unixSeconds, id])
            settled += db.changesCount
        }
        return settled
    }
}

extension DuetStore {
    /// Stores as interrupted every reply and comparison side whose generating process on this host is
    /// gone (killed, crashed). Runs when a store opens for writing; returns how many texts it settled.
    @discardableResult
    public func settleInterruptedGenerations() throws(SessionsError) -> Int {
        let host = currentHostName()
        // Asked on the writer connection, without a write transaction: at open, a reader connection
        // would be the pool's last to close, and a read-only connection cannot checkpoint the WAL away.
        let pending: Int
        do {
            pending = try pool.writeWithoutTransaction { db in
                try Int.fetchOne(db, sql: """
                    SELECT (SELECT count(*) FROM message WHERE status = 'streaming')
                         + (SELECT count(*) FROM comparisonEntry WHERE status = 'streaming')
                    """) ?? 0
            }
        } catch {
            throw SessionsError.wrap(error, path: path)
        }
        guard pending > 0 else { return 0 }
        return try write { db in
            try GenerationOwner.settle(db, table: "message", hostName: host)
                + GenerationOwner.settle(db, table: "comparisonEntry", hostName: host)
        }
    }
}
