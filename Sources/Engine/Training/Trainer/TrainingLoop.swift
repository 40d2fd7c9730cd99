import Foundation

/// What a controller (the UI through the database, a signal handler) asks of a running loop.
public enum TrainingControl: Sendable, Equatable {
    case pause, resume, stop
    /// Save a checkpoint now and go on.
    case checkpoint
}

/// How a loop ended.
public enum TrainingOutcome: Sendable, Equatable {
    /// Ran every step.
    case finished
    /// Stopped on request after saving a checkpoint.
    case stopped
}

/// Throughput of one step.
public struct StepThroughput: Sendable, Equatable {
    public var seconds: Double
    /// Real input tokens (encoder + decoder) per second.
    public var tokensPerSecond: Double
    /// Model FLOP/s utilisation against the measured sgemm peak (nil when no peak was given).
    public var mfu: Double?
}

/// Receives the loop's events and answers its polls. Called on the loop's thread.
public protocol TrainingLoopObserver: AnyObject {
    /// Polled before every step, and a few times a second while paused.
    func pollControl() -> [TrainingControl]
    func didStep(_ report: StepReport, throughput: StepThroughput)
    func didEvaluate(_ report: EvaluationReport)
    func didCheckpoint(step: Int, directory: URL)
    func didPause(step: Int)
    func didResume(step: Int)
}

/// Runs a `Trainer` to its last step: micro-batches from a `TrainingBatchSource`, validation every
/// `evalEvery` steps and at the end, checkpoints every `checkpointEvery` steps and at the end,
/// control polled every step (pause waits for resume; stop saves a checkpoint and returns).
///
/// In a process group every process runs its own loop over its shard in lockstep: the controls are
/// agreed on before each step (rank 0's requests, any process's stop), evaluation is shared, and only
/// rank 0 writes checkpoints (the others wait for it, so a stop leaves every process after the save).
public final class TrainingLoop<Source: TrainingBatchSource> {
    public let trainer: Trainer
    public private(set) var source: Source
    public let validation: [TrainingBatch]
    public let runDirectory: URL
    /// Where checkpoints copy tokenizer files and generation config from.
    public let assets: URL?
    /// Saved in every checkpoint's trainer state.
    public var extra: [String: String] = [:]
    /// The sgemm GFLOP/s MFU divides by (nil: MFU not reported). Fixed for the whole run, so its MFU
    /// values compare with each other and with other runs that use the same peak; a peak measured low
    /// shows as an MFU above 1 rather than being silently re-measured.
    public var peakGFLOPs: Double?
    public weak var observer: TrainingLoopObserver?
    /// Seconds between polls while paused.
    public var pausePollInterval: Double = 0.25

    public init(trainer: Trainer, source: Source, validation: [TrainingBatch], runDirectory: URL, assets: URL?) {
        self.trainer = trainer
        self.source = source
        self.validation = validation
        self.runDirectory = runDirectory
        self.assets = assets
    }

    /// The data position that goes with the trainer's state: where the batches of the last completed
    /// step ended (`committed`), and where those of the step in progress end (`pending`, for when its
    /// update has happened but `trainStep` has not returned yet). A step that fails (a collective call
    /// to a dead rank, say) fails before its update, so the weights and optimizer are still `committed`'s.
    private let positions = NSLock()
    private var committed: (step: Int, position: DataPosition)?
    private var pending: (step: Int, position: DataPosition)?

    /// Trains from `trainer.step` to `trainer.config.steps`. When a step or an evaluation fails, rank 0
    /// first saves a checkpoint of the last completed step (see ``saveLastCompletedStep()``), so that
    /// `--resume` loses nothing, and then rethrows.
    public func run() throws -> TrainingOutcome {
        positions.withLock { committed = (trainer.step, source.position) }
        do {
            return try runSteps()
        } catch {
            _ = saveLastCompletedStep()
            throw error
        }
    }

    /// Rank 0: saves the trainer as of its last completed step (weights, optimizer, data position) and
    /// returns its step and directory; nil on other ranks or when the save fails. For failures only: it writes
    /// without waiting for the other ranks, and may be called from another thread while the loop's is stuck
    /// in a collective call (the weights and optimizer do not move there: only gradients are reduced).
    /// `notify`: tell the observer, which is only safe on the loop's own thread (the observer is not
    /// thread-safe); another thread reports the directory itself.
    @discardableResult
    public func saveLastCompletedStep(notify: Bool = true) -> (step: Int, directory: URL)? {
        guard trainer.group.isRoot else { return nil }
        let saved = trainer.updateLock.withLock { () -> (step: Int, directory: URL)? in
            let step = trainer.step
            let state = positions.withLock { pending?.step == step ? pending : committed }
            guard let state, state.step == step else { return nil }
            guard let directory = try? TrainingCheckpoint.save(trainer, dataPosition: state.position, assets: assets,
                                                               runDirectory: runDirectory, extra: extra) else { return nil }
            return (step, directory)
        }
        guard let saved else { return nil }
        if notify { observer?.didCheckpoint(step: saved.step, directory: saved.directory) }
        return saved
    }

    private func runSteps() throws -> TrainingOutcome {
        let config = trainer.config
        while trainer.step < config.steps {
            if try handleControls() == .stopped { return .stopped }
            let start = nowMilliseconds()
            let batches = (0..<config.gradientAccumulation).map { _ in source.next() }
            positions.withLock { pending = (trainer.step + 1, source.position) }
            let report = try trainer.trainStep(batches)
            positions.withLock { committed = (trainer.step, source.position) }
            let seconds = max(1e-9, (nowMilliseconds() - start) / 1000)
            let flops = batches.reduce(0.0) {
                $0 + TrainingThroughput.flops(trainer.model.config, batch: $1.decoderInput.batch,
                                              encoderLength: $1.encoderInput?.length ?? 0, decoderLength: $1.decoderInput.length)
            }
            observer?.didStep(report, throughput: StepThroughput(
                seconds: seconds, tokensPerSecond: Double(report.inputTokens) / seconds,
                mfu: peakGFLOPs.map { flops / seconds / ($0 * 1e9) }))
            try trainer.checkHealth()
            let done = trainer.step
            let last = done == config.steps
            if !validation.isEmpty && (last || (config.evalEvery > 0 && done % config.evalEvery == 0)) {
                observer?.didEvaluate(try trainer.evaluate(validation))
            }
            if last || (config.checkpointEvery > 0 && done % config.checkpointEvery == 0) {
                try checkpoint()
            }
        }
        return .finished
    }

    /// Saves a checkpoint of the current state (rank 0 saves, every process returns after the save).
    public func checkpoint() throws {
        let group = trainer.group
        if group.isRoot {
            // Under the update lock: never beside a failure-time save from another thread.
            let directory = try trainer.updateLock.withLock {
                try TrainingCheckpoint.save(trainer, dataPosition: source.position, assets: assets,
                                            runDirectory: runDirectory, extra: extra)
            }
            observer?.didCheckpoint(step: trainer.step, directory: directory)
        }
        if group.size > 1 { try group.barrier() }
    }

    /// The controls every process acts on: each process's polled requests, merged over the group (in
    /// practice the database's requests arrive at rank 0, signals at every process), in a fixed order.
    private func agreedControls() throws -> [TrainingControl] {
        let polled = observer?.pollControl() ?? []
        let order: [TrainingControl] = [.checkpoint, .pause, .resume, .stop]
        guard trainer.group.size > 1 else { return polled }
        let flags = try trainer.group.max(order.map { polled.contains($0) ? 1 : 0 })
        return zip(order, flags).compactMap { $1 > 0 ? $0 : nil }
    }

    /// Acts on pending control requests; while paused, waits for resume or stop.
    private func handleControls() throws -> TrainingOutcome? {
        var paused = false
        repeat {
            for control in try agreedControls() {
                switch control {
                case .checkpoint:
                    try checkpoint()
                case .pause where !paused:
                    paused = true
                    observer?.didPause(step: trainer.step)
                case .resume where paused:
                    paused = false
                    observer?.didResume(step: trainer.step)
                case .stop:
                    try checkpoint()
                    return .stopped
                default:
                    break
                }
            }
            if paused { Thread.sleep(forTimeInterval: pausePollInterval) }
        } while paused
        return nil
    }
}
