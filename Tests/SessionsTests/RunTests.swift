import DuetCore
import Foundation
import Testing
@testable import Sessions

@Suite struct RunTests {
    @Test func aRunKeepsThePeakItsMFUDividesBy() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let run = try store.createRun(kind: .pretrain, config: ["steps": 3])
        #expect(run.mfuReference == nil)
        let reference = MFUReference(peakGflops: 65.4, method: "sgemm 1024³ f32, best call of 2.0 s, 2 threads",
                                     measuredAt: Date(timeIntervalSince1970: 1_800_000_000), cpuShare: 0.97)
        try store.setMFUReference(reference, forRun: run.id)
        #expect(try store.run(id: run.id)?.mfuReference == reference)
        #expect(throws: SessionsError.invalidArgument("an MFU peak must be a positive number of GFLOP/s, not 0.0")) {
            try store.setMFUReference(MFUReference(peakGflops: 0, method: "", measuredAt: Date(), cpuShare: nil), forRun: run.id)
        }
        #expect(throws: SessionsError.notFound(kind: "run", id: run.id + 1)) { try store.setMFUReference(reference, forRun: run.id + 1) }
    }

    @Test func runLifecycleFollowsTheAllowedTransitions() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let config: JSONValue = ["model": "/m/gemma", "lr": 2e-5, "batch": 8, "lora": ["rank": 16]]
        let run = try store.createRun(kind: .sft, name: "sft-1", config: config, outputDirectory: "/runs/1")
        #expect(run.status == .queued)
        #expect(run.config == config)
        #expect(run.startedAt == nil)
        #expect(throws: SessionsError.invalidArgument("run \(run.id) is queued; heartbeats are for running or paused runs")) {
            try store.heartbeat(runId: run.id)
        }
        let started = try store.startRun(id: run.id)
        #expect(started.status == .running)
        #expect(started.processId == getpid())
        #expect(started.hostName == currentHostName())
        #expect(started.startedAt != nil && started.heartbeatAt != nil)
        try store.heartbeat(runId: run.id)
        #expect(try store.setStatus(.paused, forRun: run.id).status == .paused)
        #expect(try store.setStatus(.running, forRun: run.id).status == .running)
        let finished = try store.finishRun(id: run.id)
        #expect(finished.status == .finished)
        #expect(finished.endedAt != nil)
        #expect(throws: SessionsError.invalidArgument("run \(run.id) cannot go from finished to running")) {
            try store.setStatus(.running, forRun: run.id)
        }
        #expect(throws: SessionsError.invalidArgument("run \(run.id) is finished; only a queued, lost, stopped or failed run can be started")) {
            try store.startRun(id: run.id)
        }
        let failing = try store.createRun(kind: .pretrain, config: [:])
        try store.startRun(id: failing.id)
        let failed = try store.failRun(id: failing.id, error: "NaN loss at step 12")
        #expect(failed.status == .failed)
        #expect(failed.error == "NaN loss at step 12")
        #expect(try store.runs().map(\.id) == [failing.id, run.id])
        #expect(throws: SessionsError.notFound(kind: "run", id: 404)) { try store.heartbeat(runId: 404) }
        #expect(throws: SessionsError.invalidArgument("finishRun takes finished or stopped, not failed")) {
            try store.finishRun(id: failing.id, status: .failed)
        }
    }

    @Test func silentOrVanishedRunsAreReportedLostWithoutBeingRewritten() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store(options: .init(staleRunAfter: 0.3))
        let run = try store.createRun(kind: .adapt, config: [:])
        try store.startRun(id: run.id)
        #expect(try store.run(id: run.id)?.status == .running)
        usleep(400_000)
        let silent = try #require(try store.run(id: run.id))
        #expect(silent.status == .lost)
        #expect(silent.recordedStatus == .running)
        try store.heartbeat(runId: run.id)
        #expect(try store.run(id: run.id)?.status == .running)

        // A process id that cannot exist on this host: lost at once, heartbeat or not.
        let vanished = try store.createRun(kind: .eval, config: [:])
        try store.startRun(id: vanished.id, processId: 2_147_483_000)
        #expect(try store.run(id: vanished.id)?.status == .lost)
        // A new process may take over a lost run.
        let adopted = try store.startRun(id: vanished.id)
        #expect(adopted.status == .running)
        #expect(adopted.processId == getpid())
    }

    @Test func metricsAreInsertedAtomicallyAndQueriedBySeries() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let run = try store.createRun(kind: .pretrain, config: [:])
        let t0 = Date(timeIntervalSince1970: 1_700_000_000.25)
        var rows: [Metric] = []
        for step in 0..<100 {
            rows.append(Metric(runId: run.id, step: Int64(step), name: "loss", value: 10 / Double(step + 1), wallTime: t0 + Double(step)))
            if step % 10 == 0 { rows.append(Metric(runId: run.id, step: Int64(step), name: "lr", value: 1e-3, wallTime: t0)) }
        }
        rows.append(Metric(runId: run.id, step: 100, name: "gradNorm", value: .nan, wallTime: t0))
        #expect(try store.insertMetrics(rows) == 111)
        #expect(try store.metricCount(runId: run.id) == 111)
        let series = try store.metricSeries(runId: run.id, name: "loss", afterStep: 94)
        #expect(series.map(\.step) == [95, 96, 97, 98, 99])
        #expect(series.last?.value == 0.1)
        #expect(series.last?.wallTime == t0 + 99)
        #expect(try store.metricSeries(runId: run.id, name: "loss", limit: 3).map(\.step) == [0, 1, 2])
        let latest = try store.latestMetrics(runId: run.id)
        #expect(latest.map(\.name) == ["gradNorm", "loss", "lr"])
        #expect(latest.map(\.step) == [100, 99, 90])
        #expect(latest[0].value.isNaN)

        // One bad row (unknown run) rolls back the whole batch.
        let batch = [Metric(runId: run.id, step: 200, name: "loss", value: 1), Metric(runId: 999, step: 200, name: "loss", value: 1)]
        #expect(throws: SessionsError.notFound(kind: "run", id: 999)) { try store.insertMetrics(batch) }
        #expect(try store.metricCount(runId: run.id) == 111)

        // A resume from the step-89 checkpoint drops what came after it, in every series, of this run only.
        let other = try store.createRun(kind: .pretrain, config: [:])
        try store.insertMetrics([Metric(runId: other.id, step: 95, name: "loss", value: 1)])
        #expect(try store.deleteMetrics(runId: run.id, afterStep: 89) == 12)  // loss 90...99, lr 90, gradNorm 100
        #expect(try store.latestMetrics(runId: run.id).map(\.step) == [89, 80])
        #expect(try store.metricCount(runId: other.id) == 1)

        try store.deleteRun(id: run.id)
        #expect(try store.metricCount(runId: run.id) == 0)
    }

    @Test func metricsWriterBatchesBySizeAndByDelay() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let run = try store.createRun(kind: .sft, config: [:])
        let commits = Recorder<Int>()
        let writer = try store.metricsWriter(runId: run.id, batchSize: 10, maxDelay: 0.3) { commits.append($0) }
        for step in 0..<25 { writer.log(step: Int64(step), name: "loss", value: Double(step)) }
        // Two full batches go out at once; the last 5 rows wait for the delay, not for a 10th row.
        #expect(try eventually { try store.metricCount(runId: run.id) >= 20 })
        #expect(try eventually(timeout: 3) { try store.metricCount(runId: run.id) == 25 })
        #expect(commits.values.reduce(0, +) == 25)
        #expect(commits.values.allSatisfy { $0 <= 25 })
        writer.log(step: 25, values: ["loss": 0.5, "lr": 1e-4, "gradNorm": 2])
        try writer.close()
        #expect(writer.committedCount == 28)
        #expect(writer.lastError == nil)
        #expect(try store.latestMetrics(runId: run.id).map(\.name) == ["gradNorm", "loss", "lr"])
        #expect(try store.metricSeries(runId: run.id, name: "loss").map(\.value) == (0..<25).map(Double.init) + [0.5])
        writer.log(step: 26, name: "loss", value: 1)  // ignored after close
        try writer.flush()
        #expect(try store.metricCount(runId: run.id) == 28)
        #expect(throws: SessionsError.notFound(kind: "run", id: 31337)) { try store.metricsWriter(runId: 31337) }
    }

    @Test func checkpointsAndControlRequests() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let run = try store.createRun(kind: .adapt, config: [:])
        try store.startRun(id: run.id)
        let first = try store.recordCheckpoint(runId: run.id, step: 100, path: "/runs/1/step-100", contentHash: "x")
        try store.setEvalResults(["valLoss": 2.5, "perplexity": 12.2], forCheckpoint: first.id)
        let replaced = try store.recordCheckpoint(runId: run.id, step: 100, path: "/runs/1/step-100b")
        try store.recordCheckpoint(runId: run.id, step: 50, path: "/runs/1/step-50", evalResults: ["valLoss": 3])
        let checkpoints = try store.checkpoints(runId: run.id)
        #expect(checkpoints.map(\.step) == [50, 100])
        #expect(checkpoints[1].id == replaced.id)
        #expect(checkpoints[1].path == "/runs/1/step-100b")
        #expect(checkpoints[0].evalResults?["valLoss"] == .int(3))
        #expect(throws: SessionsError.notFound(kind: "checkpoint", id: 999)) { try store.setEvalResults([:], forCheckpoint: 999) }

        let pause = try store.postControlRequest(.pause, runId: run.id)
        try store.postControlRequest(.checkpoint, runId: run.id)
        #expect(try store.controlRequests(runId: run.id, pendingOnly: true).count == 2)
        let taken = try store.takeControlRequests(runId: run.id)
        #expect(taken.map(\.action) == [.pause, .checkpoint])
        #expect(taken.allSatisfy { $0.acknowledgedAt != nil })
        #expect(try store.takeControlRequests(runId: run.id).isEmpty)
        try store.setNote("saved /runs/1/step-120", forControlRequest: taken[1].id)
        #expect(try store.controlRequests(runId: run.id).map(\.note) == [nil, "saved /runs/1/step-120"])
        #expect(try store.controlRequests(runId: run.id).first?.id == pause.id)
        try store.finishRun(id: run.id, status: .stopped)
        #expect(throws: SessionsError.invalidArgument("run \(run.id) is stopped; it takes no more requests")) {
            try store.postControlRequest(.resume, runId: run.id)
        }
    }
}
