import Foundation
import GRDB

extension ControlRequest {
    init(_ r: RowReader) throws {
        self.init(id: try r("id"), runId: try r("runId"), action: try r.enumeration("action"),
                  requestedAt: try r.date("requestedAt"), acknowledgedAt: try r.optionalDate("acknowledgedAt"),
                  note: try r.optional("note"))
    }
}

extension DuetStore {
    /// Asks a run's process to pause, resume, stop or save a checkpoint. It sees the request at its next poll.
    @discardableResult
    public func postControlRequest(_ action: ControlAction, runId: Int64) throws(SessionsError) -> ControlRequest {
        try write { db in
            let run = try fetchRun(db, id: runId)
            guard !run.recordedStatus.isFinal else {
                throw SessionsError.invalidArgument("run \(runId) is \(run.recordedStatus.rawValue); it takes no more requests")
            }
            let row = try Row.fetchOne(db, sql: """
                INSERT INTO controlRequest (runId, action, requestedAt) VALUES (?, ?, ?) RETURNING *
                """, arguments: [runId, action.rawValue, Date().unixSeconds])!
            return try ControlRequest(RowReader(row: row, table: "controlRequest"))
        }
    }

    /// For the training process: returns the pending requests of its run, oldest first, and marks them
    /// acknowledged in the same transaction, so each request is handed out exactly once.
    public func takeControlRequests(runId: Int64, note: String? = nil) throws(SessionsError) -> [ControlRequest] {
        try write { db in
            try Row.fetchAll(db, sql: """
                UPDATE controlRequest SET acknowledgedAt = ?, note = ? WHERE runId = ? AND acknowledgedAt IS NULL
                RETURNING *
                """, arguments: [Date().unixSeconds, note, runId])
                .map { try ControlRequest(RowReader(row: $0, table: "controlRequest")) }
                .sorted { $0.id < $1.id }
        }
    }

    /// Records what the process did about a request (e.g. the path of the checkpoint it saved).
    public func setNote(_ note: String, forControlRequest id: Int64) throws(SessionsError) {
        try write { db in
            try db.execute(sql: "UPDATE controlRequest SET note = ? WHERE id = ?", arguments: [note, id])
            if db.changesCount == 0 { throw SessionsError.notFound(kind: "control request", id: id) }
        }
    }

    /// A run's control requests, oldest first; only the pending ones if `pendingOnly`.
    public func controlRequests(runId: Int64, pendingOnly: Bool = false) throws(SessionsError) -> [ControlRequest] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM controlRequest WHERE runId = ? AND (? = 0 OR acknowledgedAt IS NULL) ORDER BY id
                """, arguments: [runId, pendingOnly]).map { try ControlRequest(RowReader(row: $0, table: "controlRequest")) }
        }
    }
}
