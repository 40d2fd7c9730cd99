import DuetCore
import Foundation
import Engine
import Sessions

/// The loop's observer for `duet train`: writes metrics, heartbeats, checkpoints and status to the
/// database, takes control requests from it (and stop requests from signals), and shows progress.
final class TrainMonitor: TrainingLoopObserver {
    let store: DuetStore
    let runId: Int64
    let metrics: MetricsWriter
    let signals: TrainSignals
    let output: TrainProgressOutput
    /// Seconds between database polls for control requests (a tiny model steps in milliseconds).
    var pollInterval = 0.1
    private var lastPoll = -Double.infinity
    private let heartbeatLock = NSLock()
    private var heartbeating = false
    private var pendingCheckpointRequests: [Int64] = []
    private var lastEvaluation: EvaluationReport?
    private(set) var stopReason: String?

    /// Checkpoints kept on disk (the newest; 0 keeps all).
    var keepCheckpoints = 3

    init(store: DuetStore, runId: Int64, metrics: MetricsWriter, signals: TrainSignals, output: TrainProgressOutput) {
        self.store = store
        self.runId = runId
        self.metrics = metrics
        self.signals = signals
        self.output = output
    }

    /// Sends a heartbeat every `interval` seconds from a thread of its own, so a step that takes
    /// minutes (a large model) or a pause does not make the run look lost. Not a Dispatch timer: a rank
    /// that mpirun binds to one core has a one-thread pool, which busy work can hold past the staleness limit.
    func startHeartbeat(every interval: Double = 5) {
        heartbeatLock.withLock { heartbeating = true }
        let thread = Thread { [weak self, store, runId, output] in
            var next = ProcessInfo.processInfo.systemUptime + interval
            while let self, self.heartbeatLock.withLock({ self.heartbeating }) {
                if ProcessInfo.processInfo.systemUptime >= next {
                    do { try store.heartbeat(runId: runId) } catch { output.warning("heartbeat failed: \(error)") }
                    next += interval
                }
                usleep(100_000)
            }
        }
        thread.name = "duet-train-heartbeat"
        thread.start()
    }

    func stopHeartbeat() {
        heartbeatLock.withLock { heartbeating = false }
    }

    func pollControl() -> [TrainingControl] {
        if signals.stopRequested {
            stopReason = signals.signalName
            return [.stop]
        }
        let now = ProcessInfo.processInfo.systemUptime
        guard now - lastPoll >= pollInterval else { return [] }
        lastPoll = now
        let requests: [ControlRequest]
        do {
            requests = try store.takeControlRequests(runId: runId)
        } catch {
            output.warning("cannot read control requests: \(error)")
            return []
        }
        return requests.map { request in
            switch request.action {
            case .pause: return .pause
            case .resume: return .resume
            case .stop:
                stopReason = "stop request"
                return .stop
            case .checkpoint:
                pendingCheckpointRequests.append(request.id)
                return .checkpoint
            }
        }
    }

    func didStep(_ report: StepReport, throughput: StepThroughput) {
        var values: [String: Double] = [
            "loss": report.loss, "lr": report.learningRate, "grad_norm": report.gradientNorm,
            "tokens_per_second": throughput.tokensPerSecond, "clipped": report.clipped ? 1 : 0,
            "skipped": report.skipped ? 1 : 0,
        ]
        if let mfu = throughput.mfu { values["mfu"] = mfu }
        if report.allReduceSeconds > 0 { values["allreduce_seconds"] = report.allReduceSeconds }
        if let soft = report.softLoss {
            values["soft_loss"] = soft
            values["hard_loss"] = report.hardLoss
        }
        metrics.log(step: Int64(report.step), values: values)
        if report.skipped { output.warning("step \(report.step): loss or gradients not finite; step skipped") }
        output.step(report, throughput: throughput)
    }

    func didEvaluate(_ report: EvaluationReport) {
        lastEvaluation = report
        metrics.log(step: Int64(report.step), values: ["val_loss": report.loss, "val_accuracy": report.accuracy])
        output.evaluation(report)
    }

    func didCheckpoint(step: Int, directory: URL) {
        let results: JSONValue? = lastEvaluation.flatMap { e in
            e.step == step ? ["val_loss": .double(e.loss), "val_accuracy": .double(e.accuracy)] : nil
        }
        do {
            // Metrics up to a checkpoint are as durable as the checkpoint: a run killed later and
            // resumed from it has every step's metrics.
            try metrics.flush()
            try store.recordCheckpoint(runId: runId, step: Int64(step), path: directory.path, evalResults: results)
            for id in pendingCheckpointRequests { try store.setNote("saved \(directory.path)", forControlRequest: id) }
        } catch {
            output.warning("cannot record the checkpoint in the database: \(error)")
        }
        pendingCheckpointRequests = []
        output.checkpoint(step: step, directory: directory)
        guard keepCheckpoints > 0 else { return }
        do {
            let runDirectory = directory.deletingLastPathComponent().deletingLastPathComponent()
            let removed = try TrainingCheckpoint.prune(in: runDirectory, keep: keepCheckpoints)
            try store.deleteCheckpoints(runId: runId, steps: removed.map(Int64.init))
        } catch {
            output.warning("cannot remove old checkpoints: \(error)")
        }
    }

    func didPause(step: Int) {
        setStatus(.paused)
        output.message("paused at step \(step); waiting for resume")
    }

    func didResume(step: Int) {
        setStatus(.running)
        output.message("resumed at step \(step)")
    }

    /// Whether ``recordJobEnding(status:reason:saved:)`` has ended the run's row (the loop's own end
    /// then leaves it as it is).
    var endRecorded: Bool { heartbeatLock.withLock { ended } }
    private var ended = false

    /// Ends the run's row from another thread than the loop's, when the job is ending under it:
    /// mpirun's signal (every rank is killed about a second later) or a stalled rank (the watchdog
    /// ends the process). Touches only what is thread-safe (the store and the metrics writer): the
    /// metrics so far, the checkpoint just saved, then the status with the reason and where to resume from.
    func recordJobEnding(status: RunStatus = .stopped, reason: String, saved: (step: Int, directory: URL)?) {
        stopHeartbeat()
        let resume = saved.map { "; saved step \($0.step) in \($0.directory.path), continue with --resume" }
            ?? "; no step completed since the last checkpoint, continue with --resume"
        do {
            try metrics.flush()
            if let saved { try store.recordCheckpoint(runId: runId, step: Int64(saved.step), path: saved.directory.path, evalResults: nil) }
            try store.setStatus(status, forRun: runId, error: reason + resume)
            heartbeatLock.withLock { ended = true }
        } catch {
            output.warning("cannot record the end of the run in the database: \(error)")
        }
    }

    /// ``recordJobEnding(status:reason:saved:)`` for mpirun's signal `signal`.
    func recordJobEnding(signal: String, saved: (step: Int, directory: URL)?) {
        recordJobEnding(reason: "mpirun ended the job (\(signal)): a rank failed or the job was interrupted", saved: saved)
    }

    private func setStatus(_ status: RunStatus) {
        do { try store.setStatus(status, forRun: runId) } catch { output.warning("cannot set run status: \(error)") }
    }
}
