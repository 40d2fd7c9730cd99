import Foundation
import GRDB

extension DuetStore {
    /// Inserts `metrics` in one transaction: all of them are stored, or none.
    ///
    /// The sequence is consumed inside the transaction. Returns the number of rows inserted.
    /// For a training loop, prefer ``metricsWriter(runId:batchSize:maxDelay:onCommit:)``, which batches for you.
    @discardableResult
    public func insertMetrics(_ metrics: some Sequence<Metric>) throws(SessionsError) -> Int {
        try write { db in
            let statement = try db.cachedStatement(sql: "INSERT INTO metric (runId, step, name, value, wallTime) VALUES (?, ?, ?, ?, ?)")
            var knownRuns: Set<Int64> = []
            var count = 0
            for metric in metrics {
                if !knownRuns.contains(metric.runId) {
                    guard try exists(db, table: "run", id: metric.runId) else { throw SessionsError.notFound(kind: "run", id: metric.runId) }
                    knownRuns.insert(metric.runId)
                }
                // SQLite turns NaN into NULL; reading maps NULL back to NaN.
                statement.setUncheckedArguments([metric.runId, metric.step, metric.name,
                                                 metric.value.isNaN ? nil : metric.value, metric.wallTime.unixSeconds])
                try statement.execute()
                count += 1
            }
            return count
        }
    }

    /// A batching writer for one run's metrics (see ``MetricsWriter``).
    public func metricsWriter(runId: Int64, batchSize: Int = 256, maxDelay: TimeInterval = 0.5,
                              onCommit: (@Sendable (_ rows: Int) -> Void)? = nil) throws(SessionsError) -> MetricsWriter {
        guard batchSize > 0, maxDelay > 0 else { throw .invalidArgument("batchSize and maxDelay must be positive") }
        guard try run(id: runId) != nil else { throw .notFound(kind: "run", id: runId) }
        return MetricsWriter(store: self, runId: runId, batchSize: batchSize, maxDelay: maxDelay, onCommit: onCommit)
    }

    /// The points of one series, in step order, after `afterStep` (pass the last step you have to poll
    /// for new points), at most `limit`.
    public func metricSeries(runId: Int64, name: String, afterStep: Int64? = nil,
                             limit: Int = Int.max) throws(SessionsError) -> [MetricPoint] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT step, value, wallTime FROM metric
                WHERE runId = ? AND name = ? AND step > ? ORDER BY step, rowid LIMIT ?
                """, arguments: [runId, name, afterStep ?? Int64.min, Int64(clamping: limit)]).map { row in
                    let r = RowReader(row: row, table: "metric")
                    return MetricPoint(step: try r("step"), value: (try r.optional("value") as Double?) ?? .nan,
                                       wallTime: try r.date("wallTime"))
                }
        }
    }

    /// The latest value (highest step) of every series of a run, by name.
    public func latestMetrics(runId: Int64) throws(SessionsError) -> [Metric] {
        try read { db in
            // Walk the distinct names through the (runId, name, step) index instead of scanning every row:
            // a long run has millions of points and the dashboard polls this.
            try Row.fetchAll(db, sql: """
                WITH RECURSIVE names(name) AS (
                    SELECT min(name) FROM metric WHERE runId = ?1
                    UNION ALL
                    SELECT (SELECT min(name) FROM metric WHERE runId = ?1 AND name > names.name)
                    FROM names WHERE names.name IS NOT NULL
                )
                SELECT metric.* FROM names JOIN metric ON metric.rowid = (
                    SELECT rowid FROM metric WHERE runId = ?1 AND name = names.name ORDER BY step DESC, rowid DESC LIMIT 1)
                ORDER BY metric.name
                """, arguments: [runId]).map { try Metric(RowReader(row: $0, table: "metric")) }
        }
    }

    /// Deletes a run's metrics logged after `step` (every series). A run resumed from its step-`step`
    /// checkpoint logs those steps again; without this they would be stored twice. Returns the rows deleted.
    @discardableResult
    public func deleteMetrics(runId: Int64, afterStep step: Int64) throws(SessionsError) -> Int {
        try write { db in
            try db.execute(sql: "DELETE FROM metric WHERE runId = ? AND step > ?", arguments: [runId, step])
            return db.changesCount
        }
    }

    /// Number of metric rows of a run.
    public func metricCount(runId: Int64) throws(SessionsError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM metric WHERE runId = ?", arguments: [runId]) ?? 0 }
    }
}

extension Metric {
    init(_ r: RowReader) throws {
        self.init(runId: try r("runId"), step: try r("step"), name: try r("name"),
                  value: (try r.optional("value") as Double?) ?? .nan, wallTime: try r.date("wallTime"))
    }
}
