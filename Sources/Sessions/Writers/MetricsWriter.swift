import Dispatch
import Foundation

/// Buffers a run's metrics and writes them in batches, one transaction per batch.
///
/// A batch is written when ``batchSize`` rows are waiting or ``maxDelay`` after its first row,
/// whichever comes first, on the writer's own queue: ``log(step:name:value:at:)`` never waits for the
/// disk. Call ``close()`` at the end of the run to write what is left.
public final class MetricsWriter: @unchecked Sendable {
    public let runId: Int64
    public let batchSize: Int
    public let maxDelay: TimeInterval

    private let store: DuetStore
    private let onCommit: (@Sendable (_ rows: Int) -> Void)?
    private let queue = DispatchQueue(label: "duet.metrics-writer")
    private let lock = NSLock()
    // Guarded by `lock`.
    private var pending: [Metric] = []
    private var timerArmed = false
    private var immediateFlushQueued = false
    private var committed = 0
    private var closed = false
    private var error: SessionsError?

    init(store: DuetStore, runId: Int64, batchSize: Int, maxDelay: TimeInterval,
         onCommit: (@Sendable (_ rows: Int) -> Void)?) {
        self.store = store
        self.runId = runId
        self.batchSize = batchSize
        self.maxDelay = maxDelay
        self.onCommit = onCommit
    }

    /// Rows written so far.
    public var committedCount: Int { lock.withLock { committed } }

    /// The error of the last background batch that failed, if any (its rows stay queued for the next try).
    public var lastError: SessionsError? { lock.withLock { error } }

    /// Queues one value.
    public func log(step: Int64, name: String, value: Double, at wallTime: Date = Date()) {
        enqueue([Metric(runId: runId, step: step, name: name, value: value, wallTime: wallTime)])
    }

    /// Queues several values of one step (e.g. loss, learning rate and gradient norm), by name order.
    public func log(step: Int64, values: [String: Double], at wallTime: Date = Date()) {
        enqueue(values.sorted { $0.key < $1.key }.map {
            Metric(runId: runId, step: step, name: $0.key, value: $0.value, wallTime: wallTime)
        })
    }

    /// Writes everything queued now and waits for it.
    public func flush() throws(SessionsError) {
        var failure: SessionsError?
        queue.sync {
            do throws(SessionsError) { try writePending() } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Flushes, then refuses further values.
    public func close() throws(SessionsError) {
        try flush()
        lock.withLock { closed = true }
    }

    private func enqueue(_ metrics: [Metric]) {
        enum Schedule { case none, now, later }
        let schedule: Schedule = lock.withLock {
            guard !closed else { return .none }
            pending += metrics
            if pending.count >= batchSize {
                if immediateFlushQueued { return .none }
                immediateFlushQueued = true
                return .now
            }
            if timerArmed { return .none }
            timerArmed = true
            return .later
        }
        switch schedule {
        case .none: break
        case .now: queue.async { [self] in
            lock.withLock { immediateFlushQueued = false }
            _ = try? writePending()
        }
        case .later: queue.asyncAfter(deadline: .now() + maxDelay) { [self] in
            lock.withLock { timerArmed = false }
            _ = try? writePending()
        }
        }
    }

    /// Writes all queued rows in one transaction. Runs on `queue`, so batches never interleave.
    private func writePending() throws(SessionsError) {
        let batch: [Metric] = lock.withLock {
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        guard !batch.isEmpty else { return }
        do throws(SessionsError) {
            let count = try store.insertMetrics(batch)
            lock.withLock { committed += count; error = nil }
            onCommit?(count)
        } catch {
            lock.withLock { self.error = error; pending.insert(contentsOf: batch, at: 0) }
            throw error
        }
    }
}
