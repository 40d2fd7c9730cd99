import Foundation
import Sessions
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The Train screen with the real binary in tmux, following real `duet train` runs: a headless run
/// started in the background shows up and advances, is paused and resumed from the UI (as `duet runs`
/// confirms), survives resizes, and is stopped; two finished runs are overlaid; a run started from the
/// form keeps going after the UI and its terminal are gone.
@Suite(.serialized) struct TrainDashboardTmuxTests {
    /// A tiny f32 model and a small plain-text corpus in `dir`.
    static func prepare(_ dir: TemporaryDirectory) throws {
        try TrainFixtures.initTinyModel(in: dir)
        var salad = TrainFixtures.WordSalad(seed: 777)
        let paragraphs = (0..<150).map { _ in salad.words(50) + "." }
        try paragraphs.joined(separator: "\n\n").write(toFile: dir.file("corpus.txt"), atomically: true, encoding: .utf8)
    }

    static func trainArguments(_ dir: TemporaryDirectory, out: String, steps: Int, lr: String = "3e-3") -> [String] {
        ["train", "--model", dir.file("model"), "--data", dir.file("corpus.txt"), "--out", dir.file(out),
         "--steps", String(steps), "--batch", "4", "--seq-len", "32", "--lr", lr, "--eval-every", "20",
         "--eval-batches", "2", "--checkpoint-every", "0", "--db", dir.file("duet.sqlite"), "--threads", "1"]
    }

    /// `duet runs --json`: id -> (status, outputDirectory).
    static func runs(_ db: String) throws -> [Int: (status: String, out: String?)] {
        let listed = try runDuet(["runs", "--json", "--db", db])
        guard listed.status == 0, let array = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] else {
            return [:]
        }
        var out: [Int: (String, String?)] = [:]
        for run in array {
            if let id = run["id"] as? Int, let status = run["status"] as? String { out[id] = (status, run["outputDirectory"] as? String) }
        }
        return out
    }

    /// Waits until `duet runs` reports `status` for run `id`.
    static func waitForStatus(_ db: String, run id: Int, _ status: String, timeout: Double = 30) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try runs(db)[id]?.status == status { return true }
            usleep(100_000)
        }
        return false
    }

    /// The step shown in the progress row ("… 420/3000 …").
    static func step(_ screen: String, total: Int) -> Int? {
        guard let range = screen.range(of: #"\d+/\#(total) "#, options: .regularExpression) else { return nil }
        return Int(screen[range].split(separator: "/")[0])
    }

    static func hasBraille(_ screen: String) -> Bool { screen.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) } }

    func openDashboard(_ db: String, home: String, cols: Int = 120, rows: Int = 40) -> Tmux {
        let t = Tmux()
        t.start(duetCommand(home: home, arguments: "--db '\(db)'"), cols: cols, rows: rows)
        t.waitFor("F5 Models")
        t.keys("F4")
        return t
    }

    @Test(.timeLimit(.minutes(5))) func followsAHeadlessRunAndPausesResumesAndStopsIt() throws {
        let dir = TemporaryDirectory()
        try Self.prepare(dir)
        let db = dir.file("duet.sqlite")
        let train = try #require(startDuet(Self.trainArguments(dir, out: "live", steps: 3000)))
        #expect(train.waitForLine(timeout: 60) { $0.contains("step ") } != nil, "the run never started: \(train.stderr)")
        let t = openDashboard(db, home: dir.file("home"))
        defer { t.stop() }

        // The run, its loss chart and its step counter, advancing.
        var s = t.waitFor(timeout: 20) { Self.step($0, total: 3000) != nil && Self.hasBraille($0) }
        let first = try #require(Self.step(s, total: 3000), "no progress row:\n\(s)")
        #expect(s.contains("running"))
        #expect(s.contains("loss "))
        #expect(s.contains("grad norm"))
        #expect(s.contains("┤"))
        s = t.waitFor(timeout: 20) { (Self.step($0, total: 3000) ?? 0) > first + 20 }
        #expect((Self.step(s, total: 3000) ?? 0) > first + 20, "the step counter did not advance:\n\(s)")

        // Pause and resume from the UI; `duet runs` sees both.
        t.keys("p")
        s = t.waitFor(all: ["paused: r resumes"], timeout: 20)
        #expect(s.contains("paused: r resumes"))
        #expect(try Self.waitForStatus(db, run: 1, "paused"))
        usleep(2_500_000)  // the trainer's metrics writer commits what it buffered within a second
        let pausedAt = Self.step(t.screen(), total: 3000)
        usleep(1_500_000)
        #expect(Self.step(t.screen(), total: 3000) == pausedAt, "steps went on while paused")
        t.keys("r")
        #expect(try Self.waitForStatus(db, run: 1, "running"))
        s = t.waitFor(timeout: 20) { (Self.step($0, total: 3000) ?? 0) > (pausedAt ?? 0) + 5 && !$0.contains("paused: r resumes") }
        #expect((Self.step(s, total: 3000) ?? 0) > (pausedAt ?? 0), "no progress after resuming:\n\(s)")

        // Narrow terminal: the compact layout (no KIND or MODEL columns, one chart); then wide again.
        t.resize(cols: 80, rows: 24)
        s = t.waitFor(timeout: 10) { $0.contains("STATUS") && !$0.contains("MODEL") }
        #expect(s.contains("STATUS") && !s.contains("KIND"))
        #expect(s.split(separator: "\n").allSatisfy { $0.count <= 80 })
        #expect(Self.hasBraille(s))
        t.keys("4")  // the gradient-norm chart alone
        #expect(t.waitFor("clipped", timeout: 10).contains("grad norm"))
        t.resize(cols: 150, rows: 46)
        s = t.waitFor(timeout: 10) { $0.contains("KIND") && $0.contains("tokens/s ") && $0.contains("MFU ") }
        #expect(s.contains("learning rate "))
        #expect(s.contains("val loss "))

        // Stop: asks first, then the run saves a checkpoint and ends as `stopped`.
        t.keys("S")
        #expect(t.waitFor("Stop run 1?", timeout: 10).contains("Stop run 1?"))
        t.keys("y")
        #expect(try Self.waitForStatus(db, run: 1, "stopped", timeout: 60))
        #expect(train.wait() == 0)
        s = t.waitFor(all: ["stopped at step"], timeout: 20)
        #expect(s.contains("stopped at step"))
    }

    @Test(.timeLimit(.minutes(5))) func overlaysTwoFinishedRuns() throws {
        let dir = TemporaryDirectory()
        try Self.prepare(dir)
        let db = dir.file("duet.sqlite")
        for (out, lr) in [("a", "3e-3"), ("b", "1e-3")] {
            let done = try runDuet(Self.trainArguments(dir, out: out, steps: 40, lr: lr) + ["--name", "lr-\(lr)"])
            try #require(done.status == 0, "\(done.stderr)")
        }
        let t = openDashboard(db, home: dir.file("home"))
        defer { t.stop() }
        var s = t.waitFor(all: ["finished", "40/40"], timeout: 20)
        #expect(s.contains("40/40"))
        t.keys("Space")
        t.keys("Down")
        t.keys("Space")
        s = t.waitFor(timeout: 15) { $0.contains("comparing") && $0.contains("━ #1 lr-3e-3") && $0.contains("━ #2 lr-1e-3") }
        #expect(s.contains("comparing #2 lr-1e-3, #1 lr-3e-3"), "\(s)")
        #expect(Self.hasBraille(s))
        // Each run is drawn in its own colour: the legend marks carry two different colours.
        var colours = Set<String>()
        for line in t.screen(escapes: true).split(separator: "\n") where line.contains("#1 lr-3e-3") {
            var sgr = "", i = line.startIndex
            while i < line.endIndex {
                if line[i] == "\u{1B}", let end = line[i...].firstIndex(of: "m") {
                    sgr = String(line[i...end])
                    i = line.index(after: end)
                    continue
                }
                if line[i] == "━" { colours.insert(sgr) }
                i = line.index(after: i)
            }
        }
        #expect(colours.count >= 2, "legend colours: \(colours)")
    }

    @Test(.timeLimit(.minutes(5))) func aRunStartedFromTheFormOutlivesTheUI() throws {
        let dir = TemporaryDirectory()
        try Self.prepare(dir)
        let db = dir.file("duet.sqlite")
        let home = dir.file("home")
        let t = openDashboard(db, home: home, cols: 120, rows: 36)
        defer { t.stop() }
        #expect(t.waitFor("No training runs yet.", timeout: 15).contains("Press n to start one"))
        t.keys("n")
        let form = t.waitFor { $0.contains("New training run") && $0.contains("Base model") }
        #expect(form.contains("New training run") && form.contains("Base model"), "\(form)")
        t.keys("Tab")  // the form opens on the run name (optional); Tab moves on to the base model
        t.keys(dir.file("model"), literal: true)
        t.keys("Tab", "Tab")  // past the objective to the data
        t.keys(dir.file("corpus.txt"), literal: true)
        for (value, downs) in [("100000", 2), ("4", 1), ("32", 1)] {  // steps (more than the test lasts), batch rows, sequence length
            for _ in 0..<downs { t.keys("Down") }
            t.keys("C-u")
            t.keys(value, literal: true)
        }
        t.keys("Enter")
        var s = t.waitFor(timeout: 60) { $0.contains("running") && Self.step($0, total: 100000) != nil }
        #expect(s.contains("running"), "the run did not appear:\n\(s)")
        let listed = try Self.runs(db)
        let out = try #require(listed[1]?.out)
        #expect(out.hasPrefix(home + "/runs/run-"))

        // Its output goes to RUN_DIR/train.log, which the log pane shows on request.
        t.keys("l")
        s = t.waitFor(timeout: 15) { $0.contains("log train.log") && $0.contains("run 1 ") }
        #expect(s.contains("run 1 → \(out)"), "\(s)")

        // Quit the UI and close its terminal: the run goes on (its step count keeps rising), and it
        // still obeys control requests, here a stop.
        t.keys("C-q")
        s = t.waitFor(all: ["DUET-EXIT=", "DUET-EXIT=0"], timeout: 10)
        #expect(s.contains("DUET-EXIT=0"))
        t.stop()
        let store = try DuetStore.open(path: db)
        func lastStep() throws -> Int64 { try store.latestMetrics(runId: 1).map(\.step).max() ?? 0 }
        let before = try lastStep()
        let deadline = Date().addingTimeInterval(60)
        while try lastStep() <= before && Date() < deadline { usleep(200_000) }
        #expect(try lastStep() > before, "the run stopped advancing when the UI quit")
        #expect(try Self.runs(db)[1]?.status == "running")
        _ = try store.postControlRequest(.stop, runId: 1)
        let stopped = try Self.waitForStatus(db, run: 1, "stopped", timeout: 120)
        #expect(stopped, "status: \(String(describing: try? Self.runs(db)[1]))")
        let log = (try? String(contentsOfFile: out + "/train.log", encoding: .utf8)) ?? ""
        #expect(log.contains("stopped"), "\(log)")
    }
}
