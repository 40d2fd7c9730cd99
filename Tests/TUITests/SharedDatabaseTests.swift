import Foundation
import Sessions
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// One database file shared, as users share it, by a chat UI that also watches F4, a headless
/// `duet train`, a second UI on F4, and a loop of `duet history` / `duet runs`; each long-lived process is
/// killed with SIGKILL at a random moment and started again. Nothing may be lost: no process ever writes
/// into a deleted `-wal`/`-shm` (the data-loss defect of a second, non-SQLite open of the file), the file
/// passes `integrity_check`, every message sent and every metric committed before a kill is there, and the
/// run is visible on F4.
///
/// `DUET_SOAK_SECONDS` lengthens the traffic phase (default 15 s) for a soak run:
/// `DUET_SOAK_SECONDS=600 swift test --skip-build --filter SharedDatabaseTests`.
@Suite(.serialized) struct SharedDatabaseTests {
    /// Runs `duet history` and `duet runs` in turn on a background thread until stopped.
    final class ReaderLoop: @unchecked Sendable {
        private let lock = NSLock()
        private var running = true
        private var runs = 0
        private var failures: [String] = []
        private let done = DispatchSemaphore(value: 0)

        init(database: String) {
            Thread.detachNewThread { [self] in
                var n = 0
                while isRunning {
                    let arguments = n % 2 == 0 ? ["history", "--db", database] : ["runs", "--db", database]
                    let out = try? runDuet(arguments)
                    lock.lock()
                    runs += 1
                    if out?.status != 0 { failures.append("\(arguments[0]): \(out?.stderr ?? "did not start")") }
                    lock.unlock()
                    n += 1
                }
                done.signal()
            }
        }

        private var isRunning: Bool { lock.lock(); defer { lock.unlock() }; return running }

        func stop() -> (runs: Int, failures: [String]) {
            lock.lock(); running = false; lock.unlock()
            done.wait()
            lock.lock(); defer { lock.unlock() }
            return (runs, failures)
        }
    }

    func launch(_ home: String, screen: String) -> Tmux {
        let t = Tmux()
        t.start(duetCommand(home: home, arguments: "--max-tokens 200"), cols: 120, rows: 32)
        t.waitFor("F5 Models")
        t.keys(screen)
        return t
    }

    /// Whether the chat on `screen` is idle (not saving a message, not generating).
    static func idle(_ screen: String) -> Bool { !screen.contains("Esc stops") && !screen.contains("saving your message") }

    /// Whether the database holds user message `text` with a reply that ended (complete, stopped, failed).
    static func answered(_ text: String, in db: String) -> Bool {
        guard let store = try? DuetStore.open(path: db, access: .readOnly) else { return false }
        defer { try? store.close() }
        guard let sessions = try? store.sessions() else { return false }
        for summary in sessions {
            let messages = (try? store.messages(in: summary.session.id)) ?? []
            for question in messages where question.role == .user && question.content == text {
                if messages.contains(where: { $0.parentId == question.id && $0.status != .streaming }) { return true }
            }
        }
        return false
    }

    /// Sends `text` in the chat of `t` once it is idle, and waits until the database holds its finished reply.
    func send(_ text: String, in t: Tmux, db: String) -> Bool {
        t.waitFor(timeout: 60) { Self.idle($0) }
        t.keys(text, literal: true)
        t.waitFor("> \(text)", timeout: 10)
        t.keys("Enter")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if Self.answered(text, in: db) { return true }
            usleep(50_000)
        }
        return false
    }

    /// Kills the program in `t`'s pane with SIGKILL and waits until its shell reports the exit.
    func kill9(_ t: Tmux) throws {
        let pid = try #require(programPid(inPaneOf: t))
        kill(pid, SIGKILL)
        // Wait for the process itself to be gone: the shell's "DUET-EXIT=137" lands wherever the killed
        // program left the cursor on its alternate screen, so the pane may not show it.
        let deadline = Date().addingTimeInterval(20)
        while FileManager.default.fileExists(atPath: "/proc/\(pid)") && Date() < deadline { usleep(20_000) }
        #expect(!FileManager.default.fileExists(atPath: "/proc/\(pid)"), "pid \(pid) survived SIGKILL")
        t.stop()
    }

    /// The steps of metric `loss` that run `id` has stored.
    func lossSteps(_ db: String, run id: Int64) throws -> [Int] {
        let store = try DuetStore.open(path: db, access: .readOnly)
        defer { try? store.close() }
        return try store.metricSeries(runId: id, name: "loss").map { Int($0.step) }
    }

    @Test(.timeLimit(.minutes(5))) func uiTrainerAndCLIShareOneDatabaseThroughKills() throws {
        let soak = Double(ProcessInfo.processInfo.environment["DUET_SOAK_SECONDS"] ?? "") ?? 15
        var random = SystemRandomNumberGenerator()
        let home = duetHomeWithTinyModels()
        let db = home + "/duet.sqlite"
        let dir = TemporaryDirectory()
        try TrainDashboardTmuxTests.prepare(dir)
        let watch = DeletedWALWatch(database: db)
        let trainArguments = ["train", "--model", dir.file("model"), "--data", dir.file("corpus.txt"), "--out", dir.file("run"),
                              "--steps", "20000", "--batch", "4", "--seq-len", "32", "--lr", "3e-3", "--eval-every", "0",
                              "--checkpoint-every", "100", "--db", db, "--threads", "1"]

        // The chat UI opens F4 first (its poller reads the same file), then chats.
        var a = launch(home, screen: "F4")
        #expect(a.waitFor("No training runs yet.", timeout: 20).contains("No training runs yet."))
        a.keys("F2")
        a.waitFor("Chatting with tiny-random-gemma2")
        var trainer = try #require(startDuet(trainArguments))
        #expect(trainer.waitForLine(timeout: 60) { $0.contains("step ") } != nil, "the run never started: \(trainer.stderr)")
        var b = launch(home, screen: "F4")
        #expect(b.waitFor("running", timeout: 20).contains("running"))
        let readers = ReaderLoop(database: db)

        var sent: [String] = []
        func chat(_ text: String) {
            sent.append(text)
            #expect(send(text, in: a, db: db), "no finished reply to \(text):\n\(a.screen())")
        }
        for n in 1...3 { chat("before the kills \(n)") }

        // Kill the chat UI while a reply streams (once the message is saved: the reply starts after the save).
        sent.append("killed mid-reply")
        a.keys("killed mid-reply", literal: true)
        a.keys("Enter")
        a.waitFor(timeout: 20) { $0.contains("▌ killed mid-reply") && !$0.contains("saving your message") }
        usleep(UInt32.random(in: 0..<150_000, using: &random))
        try kill9(a)

        // Kill the trainer mid-batch; what it printed 2.5 s before (its metrics commit each second) is stored.
        let printed = trainer.lines.compactMap { Self.step(inTrainLine: $0) }.max() ?? 0
        usleep(2_500_000 + UInt32.random(in: 0..<200_000, using: &random))
        trainer.signal(SIGKILL)
        #expect(trainer.wait() == 128 + SIGKILL)
        let stored = try lossSteps(db, run: 1)
        #expect(stored.max() ?? 0 >= printed, "printed step \(printed), stored up to \(stored.max() ?? 0)")
        #expect(stored == Array(1...(stored.max() ?? 0)), "metric steps have gaps")
        trainer = try #require(startDuet(["train", "--resume", "--out", dir.file("run"), "--db", db, "--threads", "1"]))
        #expect(trainer.waitForLine(timeout: 60) { $0.contains("step ") } != nil, "the resumed run never started: \(trainer.stderr)")

        // The chat UI again: the last chat opens, the killed reply reads as interrupted, chatting goes on.
        a = launch(home, screen: "F2")
        let reopened = a.waitFor(timeout: 20) { $0.contains("killed mid-reply") && $0.contains("TTFT") || $0.contains("interrupted") }
        #expect(reopened.contains("killed mid-reply") && !reopened.contains("generating elsewhere"), "\(reopened)")
        chat("after the UI was killed")

        // Kill the dashboard at a random moment and open it again: it shows the run.
        usleep(UInt32.random(in: 0..<500_000, using: &random))
        try kill9(b)
        b = launch(home, screen: "F4")
        #expect(b.waitFor("running", timeout: 20).contains("running"))

        // Traffic from everyone for the soak time.
        let deadline = Date().addingTimeInterval(soak)
        var n = 0
        while Date() < deadline {
            n += 1
            if n % 4 == 0 {  // a new chat now and then: prompts stay short, replies quick
                a.waitFor(timeout: 60) { Self.idle($0) }
                a.keys("C-n")
            }
            chat("soak message \(n)")
        }

        // Everyone stops: the trainer checkpoints on SIGINT, the UIs quit.
        trainer.signal(SIGINT)
        #expect(trainer.wait() == 0, "\(trainer.stderr)")
        for t in [a, b] {
            t.keys("C-q")
            #expect(t.waitFor("DUET-EXIT=", timeout: 20).contains("DUET-EXIT=0"))
            t.stop()
        }
        let reads = readers.stop()
        let watched = watch.stop()

        #expect(watched.findings.isEmpty, "a process had a deleted WAL or shm open: \(watched.findings)")
        #expect(watched.scans > 20)
        #expect(reads.failures.isEmpty, "\(reads.failures.prefix(3))")
        #expect(reads.runs > 10)
        let store = try DuetStore.open(path: db)
        defer { try? store.close() }
        #expect(try store.integrityProblems().isEmpty)
        let userMessages = try store.sessions().flatMap { try store.messages(in: $0.session.id) }.filter { $0.role == .user }
        #expect(userMessages.map(\.content).sorted() == sent.sorted())
        let runs = try store.runs(limit: 10)
        #expect(runs.count == 1 && runs.first?.status == .stopped, "\(runs.map { ($0.id, $0.status) })")
        let steps = try lossSteps(db, run: runs[0].id)
        #expect(steps == Array(1...(steps.max() ?? 0)) && (steps.max() ?? 0) > printed)
    }

    /// The step of a `duet train` progress line ("step 120/…").
    static func step(inTrainLine line: String) -> Int? {
        guard let range = line.range(of: #"step \d+"#, options: .regularExpression) else { return nil }
        return Int(line[range].dropFirst(5))
    }
}
