import Foundation
import Sessions
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `duet train` as a user runs it: a tiny model from `duet init`, a JSONL corpus, runs killed with
/// SIGKILL and resumed, stopped by SIGINT and by a control request, with the run in the database.
@Suite(.serialized) struct TrainCLITests {
    /// A tiny f32 model with the fixture tokenizer and a deterministic JSONL corpus in `dir`.
    static func prepare(_ dir: TemporaryDirectory) throws {
        try TrainFixtures.initTinyModel(in: dir)
        var salad = TrainFixtures.WordSalad(seed: 12345)
        let lines = (0..<120).map { _ in "{\"text\": \"\(salad.words(20 + salad.next(40))).\"}" }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir.file("corpus.jsonl"), atomically: true, encoding: .utf8)
    }

    static func trainArguments(_ dir: TemporaryDirectory, out: String, steps: Int) -> [String] {
        ["train", "--model", dir.file("model"), "--data", dir.file("corpus.jsonl"), "--out", dir.file(out),
         "--steps", String(steps), "--batch", "8", "--seq-len", "64", "--lr", "3e-3", "--warmup", "4",
         "--checkpoint-every", "8", "--eval-every", "8", "--eval-batches", "2", "--seed", "5",
         "--db", dir.file("duet.sqlite"), "--threads", "2", "--json"]
    }

    /// `step -> loss` as printed (the JSON text of the number, so equal text means equal bits).
    static func losses(_ lines: [String]) -> [Int: String] {
        var out: [Int: String] = [:]
        for line in lines where line.contains("\"event\":\"step\"") {
            guard let step = field(line, "step").flatMap(Int.init), let loss = field(line, "loss") else { continue }
            out[step] = loss
        }
        return out
    }

    /// Drives a running run through the database as F4 does: pause (and checks that it pauses and
    /// that no step is printed while paused, counted by `steps`), then checkpoint, resume and stop.
    static func pauseThenStop(_ store: DuetStore, runId: Int64, steps: () -> Int) throws {
        try store.postControlRequest(.pause, runId: runId)
        var paused = false
        for _ in 0..<500 where !paused {
            paused = try store.run(id: runId)?.status == .paused
            usleep(20_000)
        }
        #expect(paused, "pause request honoured")
        let stepsWhilePaused = steps()
        usleep(300_000)
        #expect(steps() == stepsWhilePaused, "no step while paused")
        try store.postControlRequest(.checkpoint, runId: runId)
        try store.postControlRequest(.resume, runId: runId)
        try store.postControlRequest(.stop, runId: runId)
    }

    static func field(_ line: String, _ key: String) -> String? {
        guard let range = line.range(of: "\"\(key)\":") else { return nil }
        return String(line[range.upperBound...].prefix { $0 != "," && $0 != "}" })
    }

    @Test(.timeLimit(.minutes(5))) func killedRunResumesWithIdenticalLosses() throws {
        let dir = TemporaryDirectory()
        try Self.prepare(dir)
        let steps = 32
        let straight = try runDuet(Self.trainArguments(dir, out: "straight", steps: steps))
        try #require(straight.status == 0, "\(straight.stderr)")
        let expected = Self.losses(straight.stdout.split(separator: "\n").map(String.init))
        #expect(expected.count == steps)

        // Kill the second run right after its first checkpoint.
        let process = try #require(startDuet(Self.trainArguments(dir, out: "killed", steps: steps)))
        let checkpoint = process.waitForLine(timeout: 120) { $0.contains("\"event\":\"checkpoint\"") }
        process.signal(SIGKILL)
        #expect(process.wait() == 128 + SIGKILL, "the run must still be going when killed")
        try #require(checkpoint != nil, "no checkpoint before the kill: \(process.stderr)")
        let before = Self.losses(process.lines)
        #expect(before.count >= 8 && before.count < steps)

        let store = try DuetStore.open(path: dir.file("duet.sqlite"))
        let killedRun = try #require(try store.runs().first { $0.outputDirectory == dir.file("killed") })
        #expect(killedRun.status == .lost)

        let resumed = try runDuet(["train", "--out", dir.file("killed"), "--resume", "--json", "--threads", "2"])
        try #require(resumed.status == 0, "\(resumed.stderr)")
        let after = Self.losses(resumed.stdout.split(separator: "\n").map(String.init))
        let first = try #require(after.keys.min())
        #expect(first == 9, "resumes after the step-8 checkpoint")
        #expect(after.count == steps - 8)
        for (step, loss) in after { #expect(loss == expected[step], "step \(step): \(loss) vs \(expected[step] ?? "-")") }
        // Steps logged before the kill agree too.
        for (step, loss) in before { #expect(loss == expected[step], "step \(step) before the kill") }

        // The database: the same run row, finished, with its metrics and checkpoints.
        let run = try #require(try store.run(id: killedRun.id))
        #expect(run.status == .finished && run.kind == .pretrain)
        #expect(run.config["training"]?["steps"] == .int(steps))
        let series = try store.metricSeries(runId: run.id, name: "loss")
        #expect(series.map(\.step) == Array(1...Int64(steps)), "each step once: none logged twice by the resume")
        for name in ["lr", "grad_norm", "tokens_per_second", "mfu", "clipped", "val_loss", "val_accuracy"] {
            #expect(try !store.metricSeries(runId: run.id, name: name).isEmpty, "metric \(name)")
        }
        // Only the newest three checkpoints stay (--keep-checkpoints defaults to 3), on disk and in the database.
        #expect(try store.checkpoints(runId: run.id).map(\.step) == [16, 24, 32])
        let kept = try FileManager.default.contentsOfDirectory(atPath: dir.file("killed") + "/checkpoints").sorted()
        #expect(kept == ["step-16", "step-24", "step-32"])
        let straightRun = try #require(try store.runs().first { $0.outputDirectory == dir.file("straight") })
        #expect(straightRun.status == .finished)
    }

    @Test(.timeLimit(.minutes(5))) func sigintAndStopRequestsCheckpointAndStop() throws {
        let dir = TemporaryDirectory()
        try Self.prepare(dir)
        let store = try DuetStore.open(path: dir.file("duet.sqlite"))

        let interrupted = try #require(startDuet(Self.trainArguments(dir, out: "sigint", steps: 400)))
        try #require(interrupted.waitForLine(timeout: 120) { $0.contains("\"step\":3,") } != nil, "\(interrupted.stderr)")
        interrupted.signal(SIGINT)
        #expect(interrupted.wait() == 0, "\(interrupted.stderr)")
        let end = try #require(interrupted.lines.last)
        #expect(end.contains("\"event\":\"end\"") && end.contains("\"status\":\"stopped\""))
        let stoppedAt = try #require(Self.field(end, "step").flatMap(Int.init))
        let run = try #require(try store.runs().first { $0.outputDirectory == dir.file("sigint") })
        #expect(run.status == .stopped)
        #expect(try store.checkpoints(runId: run.id).last?.step == Int64(stoppedAt))
        let latest = try String(contentsOfFile: dir.file("sigint/latest"), encoding: .utf8)
        #expect(latest.trimmingCharacters(in: .whitespacesAndNewlines) == "checkpoints/step-\(stoppedAt)")
        // Resuming a stopped run continues the same run (one row in `duet runs`), not a new one.
        let resumed = try runDuet(["train", "--out", dir.file("sigint"), "--resume", "--steps", String(stoppedAt + 2),
                                   "--threads", "2", "--json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let rows = try store.runs().filter { $0.outputDirectory == dir.file("sigint") }
        #expect(rows.map(\.id) == [run.id] && rows.first?.status == .finished, "\(rows.map { ($0.id, $0.status) })")

        let controlled = try #require(startDuet(Self.trainArguments(dir, out: "control", steps: 400)))
        try #require(controlled.waitForLine(timeout: 120) { $0.contains("\"event\":\"start\"") } != nil, "\(controlled.stderr)")
        let startLine = try #require(controlled.lines.first)
        let runId = try #require(Self.field(startLine, "run_id").flatMap(Int64.init))
        try Self.pauseThenStop(store, runId: runId) { Self.losses(controlled.lines).count }
        #expect(controlled.wait() == 0, "\(controlled.stderr)")
        let final = try #require(try store.run(id: runId))
        #expect(final.status == .stopped)
        let requests = try store.controlRequests(runId: runId)
        #expect(requests.allSatisfy { $0.acknowledgedAt != nil })
        #expect(requests.first { $0.action == .checkpoint }?.note?.hasPrefix("saved ") == true)
        #expect(try store.checkpoints(runId: runId).count >= 1)
    }

    @Test(.timeLimit(.minutes(5))) func resumeWithMoreStepsTrainsAFinishedRunLonger() throws {
        let dir = TemporaryDirectory()
        try Self.prepare(dir)
        let first = try runDuet(Self.trainArguments(dir, out: "longer", steps: 8))
        try #require(first.status == 0, "\(first.stderr)")
        let again = try runDuet(["train", "--out", dir.file("longer"), "--resume", "--threads", "2"])
        #expect(again.status == 0 && again.stdout.contains("the run is complete (step 8 of 8)")
                && again.stdout.contains("--steps N"), "\(again.stdout)\(again.stderr)")

        let longer = try runDuet(["train", "--out", dir.file("longer"), "--resume", "--steps", "12", "--json", "--threads", "2"])
        try #require(longer.status == 0, "\(longer.stderr)")
        let losses = Self.losses(longer.stdout.split(separator: "\n").map(String.init))
        #expect(losses.keys.sorted() == Array(9...12), "continues at step 9 and stops at the new total")
        let runFile = try String(contentsOfFile: dir.file("longer/run.json"), encoding: .utf8)
        #expect(runFile.contains("\"steps\" : 12") || runFile.contains("\"steps\":12"), "\(runFile)")
        // The finished run keeps its row; the continuation is a new row that says where it came from.
        let store = try DuetStore.open(path: dir.file("duet.sqlite"))
        let rows = try store.runs().filter { $0.outputDirectory == dir.file("longer") }
        #expect(rows.count == 2)
        let continued = try #require(rows.max { $0.id < $1.id })
        #expect(continued.status == .finished && continued.config["training"]?["steps"] == .int(12))
        #expect(continued.config["resumedFromRunId"] == .int(Int(try #require(rows.min { $0.id < $1.id }).id)))
        #expect(try store.metricSeries(runId: continued.id, name: "loss").map(\.step) == Array(9...12))
    }

    /// A resumed run's checkpoints copy the tokenizer from the run's latest checkpoint: they used to copy it
    /// from the checkpoint the resume started from, and once pruning deleted that one every later checkpoint
    /// had no tokenizer, so neither Duet nor transformers could load it.
    @Test(.timeLimit(.minutes(5))) func checkpointsAfterAResumeStillHoldTheTokenizer() throws {
        let dir = TemporaryDirectory()
        try Self.prepare(dir)
        let first = try runDuet(Self.trainArguments(dir, out: "pruned", steps: 8))
        try #require(first.status == 0, "\(first.stderr)")
        let files = { (step: Int) in
            try Set(FileManager.default.contentsOfDirectory(atPath: dir.file("pruned/checkpoints/step-\(step)")))
        }
        let before = try files(8)
        #expect(before.contains("tokenizer.json"), "\(before)")
        // Checkpoints at 16 and 24, one kept: step-8, where the resume started, is gone before step-24 is saved.
        let resumed = try runDuet(["train", "--out", dir.file("pruned"), "--resume", "--steps", "24", "--keep-checkpoints", "1",
                                   "--threads", "2"])
        try #require(resumed.status == 0, "\(resumed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("pruned/checkpoints/step-8")))
        #expect(try files(24) == before)
        let generated = try runDuet(["generate", "--model", dir.file("pruned/checkpoints/step-24"), "--prompt", "the",
                                     "--max-tokens", "2", "--threads", "2"])
        #expect(generated.status == 0, "\(generated.stderr)")
    }

    @Test func badInputsFailWithClearMessages() throws {
        let dir = TemporaryDirectory()
        let missing = try runDuet(["train", "--out", dir.file("run"), "--db", dir.file("duet.sqlite")])
        #expect(missing.status != 0 && missing.stderr.contains("--model is required"))
        let noRun = try runDuet(["train", "--out", dir.file("nothing"), "--resume", "--db", dir.file("duet.sqlite")])
        #expect(noRun.status != 0 && noRun.stderr.contains("holds no run to resume"), "\(noRun.stderr)")

        // A learning rate that blows the weights up: three non-finite steps, then status failed with the reason.
        try Self.prepare(dir)
        let diverged = try runDuet(["train", "--model", dir.file("model"), "--data", dir.file("corpus.jsonl"), "--out", dir.file("nan"),
                                    "--steps", "20", "--batch", "4", "--seq-len", "32", "--lr", "1e30", "--clip", "0",
                                    "--db", dir.file("duet.sqlite"), "--threads", "1", "--json"])
        #expect(diverged.status != 0)
        #expect(diverged.stderr.contains("NaN or infinite in 3 consecutive steps"), "\(diverged.stderr)")
        #expect(diverged.stdout.split(separator: "\n").filter { $0.contains("\"skipped\":true") }.count == 3)
        let store = try DuetStore.open(path: dir.file("duet.sqlite"))
        let run = try #require(try store.runs().first)
        #expect(run.status == .failed && run.error?.contains("3 consecutive steps") == true)
        #expect(try store.metricSeries(runId: run.id, name: "skipped").filter { $0.value == 1 }.count == 3)
    }
}
