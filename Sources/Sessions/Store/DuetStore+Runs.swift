import DuetCore
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

extension Run {
    /// Decodes a `run` row, reporting a silent `running`/`paused` run as `lost`.
    init(_ r: RowReader, staleAfter: TimeInterval, now: Date, hostName: String) throws {
        let recorded: RunStatus = try r.enumeration("status")
        let heartbeatAt = try r.optionalDate("heartbeatAt")
        let processId: Int32? = try r.optional("processId")
        let host: String? = try r.optional("hostName")
        var status = recorded
        if recorded == .running || recorded == .paused {
            let silent = heartbeatAt.map { now.timeIntervalSince($0) > staleAfter } ?? true
            // On this host a vanished process is lost at once; elsewhere only the heartbeat tells.
            let vanished = host == hostName && processId.map { kill($0, 0) != 0 && errno == ESRCH } == true
            if silent || vanished { status = .lost }
        }
        self.init(id: try r("id"), kind: try r.enumeration("kind"), name: try r.optional("name"),
                  config: try r.json("config") ?? .null, status: status, recordedStatus: recorded,
                  processId: processId, hostName: host, heartbeatAt: heartbeatAt,
                  outputDirectory: try r.optional("outputDirectory"), createdAt: try r.date("createdAt"),
                  startedAt: try r.optionalDate("startedAt"), endedAt: try r.optionalDate("endedAt"),
                  error: try r.optional("error"), mfuReference: try MFUReference(r))
    }
}

extension MFUReference {
    /// The reference stored in a `run` row, or nil when it has none.
    init?(_ r: RowReader) throws {
        guard let peak: Double = try r.optional("mfuPeakGflops") else { return nil }
        self.init(peakGflops: peak, method: try r.optional("mfuPeakMethod") ?? "", measuredAt: try r.date("mfuPeakMeasuredAt"),
                  cpuShare: try r.optional("mfuPeakCpuShare"))
    }
}

extension DuetStore {
    /// Records a new run, `queued`.
    @discardableResult
    public func createRun(kind: RunKind, name: String? = nil, config: JSONValue,
                          outputDirectory: String? = nil) throws(SessionsError) -> Run {
        try write { db in
            let id = try Int64.fetchOne(db, sql: """
                INSERT INTO run (kind, name, config, status, outputDirectory, createdAt) VALUES (?, ?, ?, 'queued', ?, ?)
                RETURNING id
                """, arguments: [kind.rawValue, name, config.jsonText(), outputDirectory, Date().unixSeconds])!
            return try fetchRun(db, id: id)
        }
    }

    /// Replaces a run's recorded configuration (e.g. a resumed run given a new total of steps).
    public func updateRunConfig(id: Int64, config: JSONValue) throws(SessionsError) {
        try write { db in
            _ = try fetchRun(db, id: id)  // a clear error for an unknown id
            try db.execute(sql: "UPDATE run SET config = ? WHERE id = ?", arguments: [config.jsonText(), id])
        }
    }

    /// Records the peak the run's MFU metric divides by (a run resumed on another machine records its own).
    public func setMFUReference(_ reference: MFUReference, forRun id: Int64) throws(SessionsError) {
        guard reference.peakGflops > 0, reference.peakGflops.isFinite else {
            throw .invalidArgument("an MFU peak must be a positive number of GFLOP/s, not \(reference.peakGflops)")
        }
        try write { db in
            _ = try fetchRun(db, id: id)  // a clear error for an unknown id
            try db.execute(sql: """
                UPDATE run SET mfuPeakGflops = ?, mfuPeakMethod = ?, mfuPeakMeasuredAt = ?, mfuPeakCpuShare = ? WHERE id = ?
                """, arguments: [reference.peakGflops, reference.method, reference.measuredAt.unixSeconds, reference.cpuShare, id])
        }
    }

    /// Marks a run `running` in this process: records the process id and host, and a first heartbeat.
    ///
    /// Allowed for a `queued` run, and for a ``RunStatus/lost``, `stopped` or `failed` one: a process
    /// resuming the run from its last checkpoint continues the same run.
    @discardableResult
    public func startRun(id: Int64, processId: Int32 = getpid()) throws(SessionsError) -> Run {
        try write { db in
            let run = try fetchRun(db, id: id)
            guard [.queued, .lost, .stopped, .failed].contains(run.status) else {
                throw SessionsError.invalidArgument(
                    "run \(id) is \(run.status.rawValue); only a queued, lost, stopped or failed run can be started")
            }
            let now = Date().unixSeconds
            try db.execute(sql: """
                UPDATE run SET status = 'running', processId = ?, hostName = ?, heartbeatAt = ?,
                    startedAt = coalesce(startedAt, ?), endedAt = NULL, error = NULL WHERE id = ?
                """, arguments: [processId, currentHostName(), now, now, id])
            return try fetchRun(db, id: id)
        }
    }

    /// Records that the run's process is alive. Call it every few seconds while running or paused.
    public func heartbeat(runId: Int64) throws(SessionsError) {
        try write { db in
            try db.execute(sql: "UPDATE run SET heartbeatAt = ? WHERE id = ? AND status IN ('running', 'paused')",
                           arguments: [Date().unixSeconds, runId])
            if db.changesCount == 0 {
                let run = try fetchRun(db, id: runId)
                throw SessionsError.invalidArgument("run \(runId) is \(run.recordedStatus.rawValue); heartbeats are for running or paused runs")
            }
        }
    }

    /// Moves a run to `status` (see ``RunStatus`` for the allowed transitions). Final statuses set `endedAt`.
    @discardableResult
    public func setStatus(_ status: RunStatus, forRun id: Int64, error: String? = nil) throws(SessionsError) -> Run {
        try write { db in
            let run = try fetchRun(db, id: id)
            guard run.recordedStatus.canTransition(to: status) else {
                throw SessionsError.invalidArgument("run \(id) cannot go from \(run.recordedStatus.rawValue) to \(status.rawValue)")
            }
            let now = Date().unixSeconds
            try db.execute(sql: """
                UPDATE run SET status = ?, error = coalesce(?, error), heartbeatAt = ?,
                    endedAt = CASE WHEN ? THEN ? ELSE endedAt END WHERE id = ?
                """, arguments: [status.rawValue, error, now, status.isFinal, now, id])
            return try fetchRun(db, id: id)
        }
    }

    /// Ends a run normally (`finished`) or because it was asked to stop (`stopped`).
    @discardableResult
    public func finishRun(id: Int64, status: RunStatus = .finished) throws(SessionsError) -> Run {
        guard status == .finished || status == .stopped else {
            throw .invalidArgument("finishRun takes finished or stopped, not \(status.rawValue)")
        }
        return try setStatus(status, forRun: id)
    }

    /// Ends a run with an error.
    @discardableResult
    public func failRun(id: Int64, error: String) throws(SessionsError) -> Run {
        try setStatus(.failed, forRun: id, error: error)
    }

    public func run(id: Int64) throws(SessionsError) -> Run? {
        try read { db in try fetchRuns(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]).first }
    }

    /// Runs, newest first.
    public func runs(limit: Int = 50) throws(SessionsError) -> [Run] {
        try read { db in
            try fetchRuns(db, sql: "SELECT * FROM run ORDER BY createdAt DESC, id DESC LIMIT ?", arguments: [limit])
        }
    }

    /// Deletes a run with its metrics, checkpoints records and control requests (not its files).
    public func deleteRun(id: Int64) throws(SessionsError) {
        try write { db in
            try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [id])
            if db.changesCount == 0 { throw SessionsError.notFound(kind: "run", id: id) }
        }
    }

    func fetchRuns(_ db: Database, sql: String, arguments: StatementArguments) throws -> [Run] {
        let now = Date(), host = currentHostName()
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map {
            try Run(RowReader(row: $0, table: "run"), staleAfter: options.staleRunAfter, now: now, hostName: host)
        }
    }

    func fetchRun(_ db: Database, id: Int64) throws -> Run {
        guard let run = try fetchRuns(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]).first else {
            throw SessionsError.notFound(kind: "run", id: id)
        }
        return run
    }
}
