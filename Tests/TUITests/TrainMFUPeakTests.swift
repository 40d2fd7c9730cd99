import Foundation
import Sessions
import Testing

/// MFU is relative to a stated sgemm peak: `duet train` prints it at the start, stores it with the run
/// (`duet runs show`, the F4 MFU chart), and every run on the machine divides by the same one until
/// `--measure-peak` measures it again.
@Suite(.serialized) struct TrainMFUPeakTests {
    static func prepare(_ dir: TemporaryDirectory) throws {
        try TrainFixtures.initTinyModel(in: dir)
        var salad = TrainFixtures.WordSalad(seed: 99)
        let lines = (0..<60).map { _ in "{\"text\": \"\(salad.words(30)).\"}" }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir.file("corpus.jsonl"), atomically: true, encoding: .utf8)
    }

    static func train(_ dir: TemporaryDirectory, out: String, home: String, extra: [String] = []) throws -> ProcessOutput {
        try runDuet(["train", "--model", dir.file("model"), "--data", dir.file("corpus.jsonl"), "--out", dir.file(out),
                     "--steps", "3", "--batch", "4", "--seq-len", "32", "--eval-every", "0", "--eval-batches", "1",
                     "--db", dir.file("duet.sqlite"), "--threads", "2"] + extra, environment: ["DUET_HOME": home])
    }

    /// The `start` event of a `--json` run.
    static func start(_ output: ProcessOutput) throws -> [String: Any] {
        let line = try #require(output.stdout.split(separator: "\n").first { $0.contains("\"event\":\"start\"") }, "\(output.stdout)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test(.timeLimit(.minutes(5))) func twoRunsUseTheSameStatedPeakUntilItIsMeasuredAgain() throws {
        let dir = TemporaryDirectory()
        try Self.prepare(dir)
        let home = dir.file("home")
        let first = try Self.train(dir, out: "first", home: home, extra: ["--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let second = try Self.train(dir, out: "second", home: home)
        #expect(second.status == 0, "\(second.stderr)")

        // The first run measured the peak; the second read the same one (same bits) from $DUET_HOME.
        let started = try Self.start(first)
        #expect(started["peak_measured_now"] as? Bool == true)
        let peak = try #require(started["peak_gflops"] as? Double)
        #expect(peak > 0)
        #expect((started["peak_method"] as? String)?.hasPrefix("sgemm 1024³ f32, best call of ") == true)
        #expect(started["peak_file"] as? String == home + "/sgemm-peak.json")
        let statement = try #require(second.stdout.split(separator: "\n").first { $0.hasPrefix("MFU relative to sgemm peak ") }, "\(second.stdout)")
        #expect(statement.hasPrefix("MFU relative to sgemm peak " + String(format: "%.1f", peak) + " GFLOP/s measured 20"), "\(statement)")
        #expect(statement.contains("from \(home)/sgemm-peak.json; --measure-peak measures again"), "\(statement)")

        // Both runs carry it in the database, and `duet runs show` states it.
        let store = try DuetStore.open(path: dir.file("duet.sqlite"))
        let runs = try store.runs().filter { $0.outputDirectory == dir.file("first") || $0.outputDirectory == dir.file("second") }
        #expect(runs.count == 2)
        let references = runs.compactMap(\.mfuReference)
        #expect(references.count == 2 && references[0] == references[1], "\(references)")
        #expect(references.first?.peakGflops == peak)
        let shown = try runDuet(["runs", "show", String(runs[0].id), "--db", dir.file("duet.sqlite")])
        #expect(shown.stdout.contains("mfu peak:   " + String(format: "%.1f", peak) + " GFLOP/s (sgemm 1024³ f32, best call of "),
                "\(shown.stdout)")

        // --measure-peak measures again: that run states and stores the new peak, which later runs then use.
        let remeasured = try Self.train(dir, out: "third", home: home, extra: ["--json", "--measure-peak"])
        #expect(remeasured.status == 0, "\(remeasured.stderr)")
        let restarted = try Self.start(remeasured)
        #expect(restarted["peak_measured_now"] as? Bool == true)
        let third = try #require(try store.runs().first { $0.outputDirectory == dir.file("third") })
        #expect(third.mfuReference?.peakGflops == restarted["peak_gflops"] as? Double)
        #expect(third.mfuReference?.measuredAt != references[0].measuredAt)
        let fourth = try Self.train(dir, out: "fourth", home: home, extra: ["--json"])
        let reused = try Self.start(fourth)
        #expect(reused["peak_measured_now"] as? Bool == false)
        #expect(reused["peak_gflops"] as? Double == restarted["peak_gflops"] as? Double)
    }

    @Test(.timeLimit(.minutes(5))) func theDashboardSaysWhatTheMFUDividesBy() throws {
        let dir = TemporaryDirectory()
        try Self.prepare(dir)
        let home = dir.file("home")
        let trained = try Self.train(dir, out: "run", home: home, extra: ["--json"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let peak = try #require(try Self.start(trained)["peak_gflops"] as? Double)
        let t = Tmux()
        defer { t.stop() }
        t.start(duetCommand(home: home, arguments: "--db '\(dir.file("duet.sqlite"))'"), cols: 80, rows: 24)
        t.waitFor("F5 Models")
        t.keys("F4")
        t.waitFor("finished")
        t.keys("6")  // the narrow layout shows one chart: MFU
        let expected = "of sgemm " + String(format: "%.1f", peak) + " GFLOP/s"
        let s = t.waitFor(all: ["MFU ", expected])
        #expect(s.contains(expected), "\(s)")
    }
}
