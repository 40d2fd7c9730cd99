import Foundation
import Sessions

/// One poll of the database for the dashboard.
struct TrainPollResult {
    /// Runs, newest first.
    var runs: [Run] = []
    /// Latest metrics of the runs whose latest values were read this time.
    var latest: [Int64: [Metric]] = [:]
    /// New data of the runs being followed.
    var deltas: [Int64: TrainRunDelta] = [:]
    /// The last lines of `train.log` of the runs whose log file is shown.
    var logTails: [Int64: [String]] = [:]
    /// Why the database could not be read, if it could not.
    var error: String? = nil
}

/// What the poller tells the Train screen (posted to the UI thread).
enum TrainPollerMessage {
    case poll(TrainPollResult)
    /// A control request was posted (`error` nil) or refused.
    case control(ControlAction, runId: Int64, error: String?)
}

/// Reads the database for the dashboard on a background queue and hands the results to `deliver`
/// (which posts them to the UI thread): every `interval` seconds, the run list, the latest metrics of
/// live runs, and only the points that are new since the last poll (`metricSeries(afterStep:)`) for
/// the runs being followed: the ones the screen shows, and every live run (for its ETA).
///
/// The UI thread never touches the database: control requests are written from this queue too.
final class TrainPoller {
    let databasePath: String
    private let deliver: (TrainPollerMessage) -> Void
    private let queue = DispatchQueue(label: "duet.train.poller", qos: .utility)
    private var timer: DispatchSourceTimer?
    private let lock = NSLock()
    private var watchedRuns: Set<Int64> = []  // guarded by lock
    private var logFileRuns: Set<Int64> = []  // guarded by lock

    // Queue-only state.
    private var store: DuetStore?
    private var cursors: [Int64: [String: Int64]] = [:]
    private var processKeys: [Int64: String] = [:]
    private var finishedLatest: [Int64: [Metric]] = [:]
    private var knownCheckpoints: [Int64: [CheckpointRecord]] = [:]
    private var knownRequests: [Int64: [ControlRequest]] = [:]
    private var lastRuns: [Run]? = nil
    private var lastError: String? = nil
    private var lastLogTails: [Int64: [String]] = [:]

    init(databasePath: String, deliver: @escaping (TrainPollerMessage) -> Void) {
        self.databasePath = databasePath
        self.deliver = deliver
    }

    deinit { timer?.cancel() }

    /// Polls now and then every `interval` seconds.
    func start(interval: Double = 0.5) {
        guard timer == nil else { return }
        let t = DispatchSource.makeTimerSource(queue: queue)
        t.schedule(deadline: .now(), repeating: interval, leeway: .milliseconds(50))
        t.setEventHandler { [weak self] in self?.pollAndDeliver(force: false) }
        t.resume()
        timer = t
    }

    func stop() {
        timer?.cancel()
        timer = nil
    }

    /// Follows these runs' series (besides live runs); a run followed anew is read from its start.
    /// Polls at once so the screen does not wait for the next tick. Call from the thread that starts
    /// and stops the poller (the UI thread).
    func watch(_ runIds: Set<Int64>) {
        lock.lock()
        let changed = runIds != watchedRuns
        watchedRuns = runIds
        lock.unlock()
        // Only a started poller polls by itself: a result nobody delivers would move the cursors past points.
        if changed, timer != nil { queue.async { [weak self] in self?.pollAndDeliver(force: true) } }
    }

    /// Reads the last lines of these runs' `train.log` at each poll (the log pane shows it).
    func showLogFile(of runIds: Set<Int64>) {
        lock.lock()
        let changed = runIds != logFileRuns
        logFileRuns = runIds
        lock.unlock()
        if changed, timer != nil { queue.async { [weak self] in self?.pollAndDeliver(force: true) } }
    }

    /// Posts a control request for a run, then polls so its effect shows soon.
    func post(_ action: ControlAction, runId: Int64) {
        queue.async { [weak self] in
            guard let self else { return }
            do {
                try self.openStore().postControlRequest(action, runId: runId)
                self.deliver(.control(action, runId: runId, error: nil))
            } catch {
                self.deliver(.control(action, runId: runId, error: "\(error)"))
            }
            self.pollAndDeliver(force: true)
        }
    }

    /// One poll on the calling thread through the poller's queue (tests and benchmarks).
    func pollNow() -> TrainPollResult { queue.sync { poll() } }

    /// Waits until work queued so far is done (tests).
    func drain() { queue.sync {} }

    private func pollAndDeliver(force: Bool) {
        let result = poll()
        let changed = force || result.error != lastError || result.runs != lastRuns || !result.deltas.isEmpty
            || !result.latest.isEmpty || result.logTails != lastLogTails
        lastError = result.error
        lastRuns = result.runs
        lastLogTails = result.logTails
        if changed { deliver(.poll(result)) }
    }

    private func openStore() throws -> DuetStore {
        if let store { return store }
        let opened = try DuetStore.open(path: databasePath)
        store = opened
        return opened
    }

    /// Reads what changed since the last poll (queue only).
    private func poll() -> TrainPollResult {
        var result = TrainPollResult()
        do {
            let store = try openStore()
            result.runs = try store.runs(limit: 200)
            lock.lock()
            let watched = watchedRuns, logFiles = logFileRuns
            lock.unlock()
            let live = Set(result.runs.filter { $0.status == .running || $0.status == .paused || $0.status == .queued }.map(\.id))
            let followed = watched.union(live)
            for id in cursors.keys where !followed.contains(id) {
                cursors[id] = nil
                knownCheckpoints[id] = nil
                knownRequests[id] = nil
            }
            for run in result.runs {
                // Live runs change every poll; an ended run's latest values are read once.
                if live.contains(run.id) || finishedLatest[run.id] == nil {
                    let latest = try store.latestMetrics(runId: run.id)
                    result.latest[run.id] = latest
                    if !live.contains(run.id) { finishedLatest[run.id] = latest } else { finishedLatest[run.id] = nil }
                }
                guard followed.contains(run.id) else { continue }
                let names = (result.latest[run.id] ?? finishedLatest[run.id] ?? []).map(\.name)
                result.deltas[run.id] = try delta(for: run, names: names, store: store)
                if result.deltas[run.id]?.isEmpty == true { result.deltas[run.id] = nil }
            }
            for run in result.runs where logFiles.contains(run.id) {
                guard let out = run.outputDirectory else { continue }
                result.logTails[run.id] = TrainLog.tail(ofFile: (out as NSString).appendingPathComponent(TrainLog.fileName), maxLines: 50)
            }
            for id in Array(finishedLatest.keys) where !result.runs.contains(where: { $0.id == id }) { finishedLatest[id] = nil }
        } catch {
            result.error = "\(error)"
            store = nil  // reopen next time (the file may appear, or be replaced)
        }
        return result
    }

    private func delta(for run: Run, names: [String], store: DuetStore) throws -> TrainRunDelta {
        // A new process (a resumed run) may log steps again from its checkpoint: read the run afresh.
        let processKey = "\(run.processId.map(String.init) ?? "-")@\(run.startedAt?.timeIntervalSince1970 ?? 0)"
        var reset = cursors[run.id] == nil
        if let previous = processKeys[run.id], previous != processKey { reset = true }
        processKeys[run.id] = processKey
        if reset { cursors[run.id] = [:] }
        var delta = TrainRunDelta(reset: reset, points: [:])
        for name in names {
            let after = cursors[run.id]?[name]
            let points = try store.metricSeries(runId: run.id, name: name, afterStep: after)
            if let last = points.last { cursors[run.id]?[name] = last.step }
            if !points.isEmpty { delta.points[name] = points }
        }
        let checkpoints = try store.checkpoints(runId: run.id)
        if reset || checkpoints != knownCheckpoints[run.id] {
            delta.checkpoints = checkpoints
            knownCheckpoints[run.id] = checkpoints
        }
        let requests = try store.controlRequests(runId: run.id)
        if reset || requests != knownRequests[run.id] {
            delta.controlRequests = requests
            knownRequests[run.id] = requests
        }
        return delta
    }
}

extension TrainRunDelta {
    var isEmpty: Bool { !reset && points.isEmpty && checkpoints == nil && controlRequests == nil }
}
