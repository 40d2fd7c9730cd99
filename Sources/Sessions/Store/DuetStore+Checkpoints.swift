import DuetCore
import Foundation
import GRDB

extension CheckpointRecord {
    init(_ r: RowReader) throws {
        self.init(id: try r("id"), runId: try r("runId"), step: try r("step"), path: try r("path"),
                  contentHash: try r.optional("contentHash"), evalResults: try r.json("evalResults"),
                  createdAt: try r.date("createdAt"))
    }
}

extension DuetStore {
    /// Records a checkpoint saved at `step` (replacing an earlier record of the same step).
    @discardableResult
    public func recordCheckpoint(runId: Int64, step: Int64, path: String, contentHash: String? = nil,
                                 evalResults: JSONValue? = nil) throws(SessionsError) -> CheckpointRecord {
        try write { db in
            guard try exists(db, table: "run", id: runId) else { throw SessionsError.notFound(kind: "run", id: runId) }
            let row = try Row.fetchOne(db, sql: """
                INSERT INTO checkpoint (runId, step, path, contentHash, evalResults, createdAt) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (runId, step) DO UPDATE SET path = excluded.path, contentHash = excluded.contentHash,
                    evalResults = excluded.evalResults, createdAt = excluded.createdAt
                RETURNING *
                """, arguments: [runId, step, path, contentHash, evalResults?.jsonText(), Date().unixSeconds])!
            return try CheckpointRecord(RowReader(row: row, table: "checkpoint"))
        }
    }

    /// Forgets the checkpoints of `runId` at `steps` (their files were pruned).
    public func deleteCheckpoints(runId: Int64, steps: [Int64]) throws(SessionsError) {
        guard !steps.isEmpty else { return }
        try write { db in
            for step in steps {
                try db.execute(sql: "DELETE FROM checkpoint WHERE runId = ? AND step = ?", arguments: [runId, step])
            }
        }
    }

    /// Stores the evaluation results measured on a checkpoint.
    public func setEvalResults(_ results: JSONValue, forCheckpoint id: Int64) throws(SessionsError) {
        try write { db in
            try db.execute(sql: "UPDATE checkpoint SET evalResults = ? WHERE id = ?", arguments: [results.jsonText(), id])
            if db.changesCount == 0 { throw SessionsError.notFound(kind: "checkpoint", id: id) }
        }
    }

    /// A run's checkpoints, by step.
    public func checkpoints(runId: Int64) throws(SessionsError) -> [CheckpointRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM checkpoint WHERE runId = ? ORDER BY step", arguments: [runId])
                .map { try CheckpointRecord(RowReader(row: $0, table: "checkpoint")) }
        }
    }
}
