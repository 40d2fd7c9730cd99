import DuetMPI
import Foundation
import Engine
import Sessions
import Tokenizers

/// One invocation of `duet train`: opens model, data, teacher and database, runs the loop, and
/// records how it ended. Under `mpirun`, one rank's part: every rank loads the model and data and
/// trains its shard; rank 0 alone opens the database, writes run.json and checkpoints and prints.
struct TrainSession {
    let runFile: TrainRunFile
    let runDirectory: URL
    let resume: Bool
    let global: GlobalOptions
    let json: Bool
    /// Checkpoints kept on disk (`--keep-checkpoints`; 0 keeps all).
    var keepCheckpoints = 3
    /// Measure the MFU peak again instead of using the one kept for this machine (`--measure-peak`).
    var measurePeak = false
    /// The ranks training together (`SingleProcess` outside `mpirun`).
    var group: ProcessGroup = SingleProcess()
    /// Sum gradients during the backward in buckets of this many (`--overlap-allreduce`), nil after it.
    var overlapBucketElements: Int?

    func run() throws {
        var runFile = self.runFile
        runFile.ranks = group.size
        // The global batch decides the data stream; it must split evenly over this job's ranks.
        let shard: DataShard
        do { shard = try DataShard(index: group.rank, of: group.size, batchSize: runFile.data.batchSize) } catch {
            throw TrainCommandError("the run's global batch of \(runFile.data.batchSize) rows does not split over "
                                    + "\(group.size) ranks; use a number of ranks that divides it")
        }
        // The model: the latest checkpoint when resuming, else the starting model.
        let checkpoint = resume ? try TrainingCheckpoint.latest(in: runDirectory) : nil
        let modelDirectory = checkpoint ?? URL(fileURLWithPath: runFile.modelDirectory)
        let loaded: LoadedModel
        do { loaded = try ModelLoader.load(directory: modelDirectory, trainable: true) } catch {
            throw TrainCommandError("cannot open model \(modelDirectory.path): \(error)")
        }
        guard let tokenizer = loaded.tokenizer else {
            throw TrainCommandError("\(modelDirectory.path) has no tokenizer (tokenizer.json or tokenizer.model); training data must be tokenized")
        }
        let teacher = try runFile.training.distillation.map { d -> DistillationTeacher in
            do {
                return try DistillationTeacher(model: try ModelLoader.load(directory: URL(fileURLWithPath: d.teacherDirectory)).model, topK: d.topK)
            } catch {
                throw TrainCommandError("cannot open teacher \(d.teacherDirectory): \(error)")
            }
        }
        let trainer = try Trainer(model: try TrainableModel(loaded.model), config: runFile.training, teacher: teacher,
                                  group: group)
        trainer.overlapBucketElements = overlapBucketElements
        var position = DataPosition.start
        if let checkpoint { position = try TrainingCheckpoint.restore(trainer, from: checkpoint).dataPosition }
        if trainer.step >= runFile.training.steps {
            guard group.isRoot else { return }
            print("\(runDirectory.path): the run is complete (step \(trainer.step) of \(runFile.training.steps)); "
                  + "nothing to resume (--steps N with N > \(trainer.step) trains it longer)")
            return
        }
        let data = try openData(runFile, tokenizer: tokenizer)
        let validation = data.validationBatches(maxBatches: runFile.evalBatches)
        // Tokenizer, generation config and carried tensors for checkpoints come from the run's latest
        // checkpoint (`TrainingCheckpoint.assetSource`); before the first one, from the checkpoint being
        // resumed (the starting model may have moved since), else from the starting model.
        let assets = checkpoint ?? URL(fileURLWithPath: runFile.modelDirectory)
        let loop = TrainingLoop(trainer: trainer, source: data.batches(from: position, shard: shard), validation: validation,
                                runDirectory: runDirectory, assets: assets)
        guard group.isRoot else {
            let signals = TrainSignals(quiet: true)
            signals.install()
            let follower = TrainFollower(signals: signals)
            loop.observer = follower
            (group as? MPIProcessGroup)?.armTimeout()
            _ = try loop.run()
            return
        }

        // The database row: a resumed run whose process died continues its row; otherwise a new row.
        let store = try DuetStore.open(path: global.db.map { DuetPaths.resolve(database: $0).database } ?? runFile.databasePath)
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        let runId = try startRun(store, runFile: &runFile, resumeStep: trainer.step)
        let output = TrainProgressOutput(json: json, totalSteps: runFile.training.steps)
        let metrics = try store.metricsWriter(runId: runId, batchSize: 256, maxDelay: 1)
        do {
            try runFile.save(in: runDirectory)
            let signals = TrainSignals()
            let monitor = TrainMonitor(store: store, runId: runId, metrics: metrics, signals: signals, output: output)
            if group.size > 1 {
                // mpirun ends every rank about a second after it passes a signal on (at once when a rank
                // dies): save the last completed step and say so in the run's row now, or the row of the
                // killed process would read "lost".
                signals.onFirstSignal = {
                    let saved = loop.saveLastCompletedStep(notify: false)
                    if let saved {
                        FileHandle.standardError.write(Data("duet train: saved \(saved.directory.path) before mpirun ends the job\n".utf8))
                    }
                    monitor.recordJobEnding(signal: signals.signalName, saved: saved)
                }
            }
            signals.install()
            monitor.keepCheckpoints = keepCheckpoints
            loop.extra = ["runId": String(runId)]
            loop.observer = monitor
            // One peak per machine and thread count, stated and stored with the run (see SgemmPeak).
            let peak = try SgemmPeak(home: DuetPaths.resolve().home).choose(threads: EngineThreads.count, remeasure: measurePeak)
            loop.peakGFLOPs = peak.entry.gflops
            try store.setMFUReference(peak.reference, forRun: runId)
            output.start(.init(runId: runId, step: trainer.step, steps: runFile.training.steps,
                               parameters: trainer.model.parameters.parameterCount,
                               trainableParameters: trainer.gradients.flat.count, peak: peak,
                               resumed: checkpoint != nil, runDirectory: runDirectory.path, ranks: group.size))
            monitor.startHeartbeat()
            defer { monitor.stopHeartbeat() }
            // A stalled rank: save the last completed step (this thread is stuck in the collective call,
            // the weights are not moving), record the failure, then the watchdog ends the job.
            (group as? MPIProcessGroup)?.armTimeout { message in
                monitor.recordJobEnding(status: .failed, reason: message, saved: loop.saveLastCompletedStep(notify: false))
            }
            let outcome = try loop.run()
            monitor.stopHeartbeat()
            try metrics.close()
            if outcome == .stopped { output.message("stopped on \(monitor.stopReason ?? "request"); resume with --resume") }
            let status: RunStatus = outcome == .finished ? .finished : .stopped
            if !monitor.endRecorded { try store.finishRun(id: runId, status: status) }
            output.end(status: status.rawValue, step: trainer.step)
        } catch {
            // The steps up to the failure (e.g. the non-finite ones) are what explains it.
            try? metrics.close()
            let text = String(describing: error)
            _ = try? store.failRun(id: runId, error: text)
            output.end(status: "failed", step: trainer.step, error: text)
            throw error
        }
    }

    /// The training data; rank 0 opens it first, so that it alone tokenises and writes the token cache
    /// and the others (on the same file system) reuse that cache.
    private func openData(_ runFile: TrainRunFile, tokenizer: any Tokenizer) throws -> TrainingData {
        let open = { try TrainingData(path: URL(fileURLWithPath: runFile.dataPath), tokenizer: tokenizer, options: runFile.data) }
        guard group.size > 1 else { return try open() }
        let data = group.isRoot ? try open() : nil
        try group.barrier()
        return try data ?? open()
    }

    /// Starts the run's database row: the same row when resuming a run that was stopped, failed, lost its
    /// process or never started; a new one (noting the old id) only when a finished run is trained longer.
    private func startRun(_ store: DuetStore, runFile: inout TrainRunFile, resumeStep: Int) throws -> Int64 {
        if resume, let id = runFile.runId, let existing = try store.run(id: id) {
            if [.lost, .queued, .stopped, .failed].contains(existing.status) {
                try store.startRun(id: id)
                try store.updateRunConfig(id: id, config: try runFile.jsonValue)  // --steps may have changed
                // The steps after the checkpoint run again and log their metrics again.
                try store.deleteMetrics(runId: id, afterStep: Int64(resumeStep))
                return id
            }
            if !existing.status.isFinal {
                throw TrainCommandError("run \(id) is \(existing.status.rawValue) in another process (pid \(existing.processId.map(String.init) ?? "?")); stop it first")
            }
        }
        var config = try runFile.jsonValue
        if resume, let old = runFile.runId, case var .object(members) = config {
            members.removeAll { $0.0 == "resumedFromRunId" }
            members.append(("resumedFromRunId", .int(Int(old))))
            config = .object(members)
        }
        let run = try store.createRun(kind: runFile.kind, name: runFile.name, config: config, outputDirectory: runDirectory.path)
        try store.startRun(id: run.id)
        runFile.runId = run.id
        return run.id
    }
}
