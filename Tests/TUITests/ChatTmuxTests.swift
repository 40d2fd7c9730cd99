import Foundation
import Sessions
import Testing

/// Chat and compare in the real binary, in a real terminal (tmux), on the tiny random models that
/// `duet models demo` makes: what a user types and sees.
@Suite struct ChatTmuxTests {
    func launch(_ home: String, arguments: String = "", cols: Int = 120, rows: Int = 32) -> Tmux {
        let t = Tmux()
        t.start(duetCommand(home: home, arguments: arguments), cols: cols, rows: rows)
        t.waitFor("F5 Models")
        return t
    }

    func store(_ home: String) throws -> DuetStore { try DuetStore.open(path: home + "/duet.sqlite") }

    @Test func chatStreamsAReplyWithStatsAndTheSessionIsRestored() throws {
        let home = duetHomeWithTinyModels()
        var t = launch(home)
        t.waitFor("Chatting with tiny-random-gemma2 (random weights).")
        t.keys("Hello 你好 👍 café", literal: true)
        t.waitFor("> Hello 你好 👍 café")
        t.keys("Enter")
        var s = t.waitFor(all: [" tok · ", "▌ Hello 你好 👍 café"])
        #expect(s.contains("▌ Hello 你好 👍 café"))
        #expect(s.contains("tiny-random-gemma2 (random weights)"))
        #expect(s.contains("TTFT ") && s.contains("prefill ") && s.contains("tok/s"))
        #expect(s.contains("Hello 你好 👍 café now · 2 msg"))
        t.keys("C-q")  // nothing running: quits without asking
        #expect(t.waitFor("DUET-EXIT=").contains("DUET-EXIT=0"))
        t.stop()

        let conversation = try store(home).conversation(in: try #require(try store(home).sessions().first).session.id)
        #expect(conversation.map(\.content).first == "Hello 你好 👍 café")
        #expect(conversation.last?.status == .complete && conversation.last?.stats != nil)

        t = launch(home)  // the last chat opens again
        defer { t.stop() }
        s = t.waitFor(all: ["▌ Hello 你好 👍 café", "TTFT "])
        #expect(s.contains("TTFT "))
        #expect(s.contains("Hello 你好 👍 café") && s.contains("2 msg"))
    }

    @Test func chatStaysResponsiveWhileAnotherProcessHoldsTheDatabase() throws {
        let home = duetHomeWithTinyModels()
        let t = launch(home, arguments: "--max-tokens 8")
        defer { t.stop() }
        t.waitFor("Chatting with tiny-random-gemma2 (random weights).")
        // Another process (as a training run committing metrics would) takes the write lock for 6 s.
        let holder = try #require(startDuet(["debug", "hold-lock", "--db", home + "/duet.sqlite", "--seconds", "6"]))
        #expect(holder.waitForLine(timeout: 20) { $0 == "locked" } != nil, "\(holder.stderr)")
        let locked = Date()
        t.keys("Hello through the lock", literal: true)
        t.keys("Enter")
        t.waitFor("saving your message…", timeout: 4)
        t.keys("F1")  // the UI still answers keys while the message waits for the lock
        t.waitFor("Keys: Chat", timeout: 4)
        #expect(Date().timeIntervalSince(locked) < 5.5)
        #expect(!holder.lines.contains("released"))
        t.keys("Escape")
        let s = t.waitFor(" tok · ")  // stored and answered once the lock is released
        #expect(s.contains("▌ Hello through the lock"))
        #expect(holder.wait() == 0)
        #expect(holder.lines.contains("released"))
    }

    @Test func escStopsALongReplyAndQuitAsksWhileOneRuns() throws {
        let home = temporaryDuetHome()
        // A mini model streams slowly enough (about 200 tokens/s in a debug build) to stop by hand.
        let model = home + "/mini-random"
        let made = try runDuet(["init", "--preset", "mini", "--tokenizer", smallTokenizer.path, "--out", model])
        #expect(made.status == 0, "\(made.stderr)")
        let t = launch(home, arguments: "--model '\(model)' --max-tokens 6000")
        defer { t.stop() }
        t.waitFor("Chatting with mini-random (random weights).")
        /// The live footer of a reply that has produced tokens: "generating · 12 tok · 180.0 tok/s".
        func streaming(_ screen: String) -> Bool {
            screen.split(separator: "\n").contains { line in
                guard let r = line.range(of: "  generating · ") else { return false }
                return line[r.upperBound...].first.map { "123456789".contains($0) } ?? false
            }
        }
        t.keys("Go on and on", literal: true)
        t.keys("Enter")
        t.waitFor(timeout: 20, streaming)
        t.keys("C-q")
        #expect(t.waitFor(all: ["Quit Duet?", "a reply is being generated"]).contains("a reply is being generated"))
        t.keys("n")
        t.waitFor { !$0.contains("Quit Duet?") }
        t.keys("Escape")
        let s = t.waitFor(all: ["stopped by you", "stopped · TTFT"])
        #expect(s.contains("stopped · TTFT"))
        let session = try #require(try store(home).sessions().first)
        // The screen shows the stop at once; the database write follows on the database queue.
        var reply = try #require(try store(home).conversation(in: session.session.id).last)
        for _ in 0..<100 where reply.status != .stopped {
            usleep(50_000)
            reply = try #require(try store(home).conversation(in: session.session.id).last)
        }
        #expect(reply.status == .stopped && !reply.content.isEmpty)
        #expect((reply.stats?.generatedTokens ?? 6000) < 6000)
        // Quitting during a reply (after confirming) stores it as stopped too, not as an orphaned stream.
        t.keys("And again", literal: true)
        t.keys("Enter")
        t.waitFor(timeout: 20, streaming)
        t.keys("C-q")
        t.waitFor(all: ["Quit Duet?", "a reply is being generated"])
        t.keys("y")
        #expect(t.waitFor("DUET-EXIT=").contains("DUET-EXIT=0"))
        let last = try #require(try store(home).conversation(in: session.session.id).last)
        #expect(!last.content.isEmpty && last.status == .stopped && last.stats?.stopReason == .userStopped, "\(last.role) \(last.status) \(last.content.count) \(String(describing: last.stats?.stopReason))")
    }

    @Test func compareTwoModelsBlindVoteAndSeeTheWinRates() throws {
        let home = duetHomeWithTinyModels()
        let t = launch(home)
        defer { t.stop() }
        t.keys("F3")
        var s = t.waitFor(all: [" B tiny-random-t5gemma (random weights) · encoder-decoder", " A tiny-random-gemma2 (random weights) · decoder-only"])
        #expect(s.contains(" A tiny-random-gemma2 (random weights) · decoder-only"))
        t.keys("M-h")
        t.waitFor("blind ·")
        t.keys("Which is better?", literal: true)
        t.keys("Enter")
        s = t.waitFor(all: ["Which answer is better?", "Left model hidden until you vote", "Right model hidden until you vote"])
        #expect(s.contains("Left model hidden until you vote") && s.contains("Right model hidden until you vote"))
        #expect(s.contains("stats hidden until you vote"))
        t.keys("b")
        s = t.waitFor(all: ["You preferred", "revealed: left was"])
        #expect(s.contains("revealed: left was"))
        #expect(s.contains("TTFT ") && s.contains("encode ") && s.contains("FLOP/tok"))
        t.keys("M-w")
        s = t.waitFor(all: ["Win rates", "tiny-random-gemma2", "tiny-random-t5gemma", "Ratings (Bradley-Terry", "1095", " 905 "])
        #expect(s.contains("tiny-random-gemma2") && s.contains("tiny-random-t5gemma"))
        #expect(s.contains("A WINS  B WINS  TIES  VOTES  BLIND"))
        let comparison = try #require(try store(home).comparisons().first)
        #expect(comparison.labelsHidden && comparison.vote != nil && comparison.entries.allSatisfy { !$0.output.isEmpty })
        #expect(try store(home).winRates(blindOnly: true).first?.total == 1)
    }

    /// A reply's stats are wider than a 60-column transcript: they wrap at their " · " gaps, so the
    /// stop reason (last) is still on screen and no number is split, where the line used to be cut.
    @Test func replyStatsWrapInANarrowTerminal() throws {
        let home = duetHomeWithTinyModels()
        let t = launch(home, arguments: "--max-tokens 8", cols: 60, rows: 24)
        defer { t.stop() }
        t.waitFor("Chatting with tiny-random-gemma2 (random weights).")
        t.keys("Short stats please", literal: true)
        t.keys("Enter")
        let stopReason = try Regex("  (?:.* · )?(max tokens|end of turn)$")
        let s = t.waitFor { screen in
            screen.contains("  TTFT ") && screen.split(separator: "\n").contains { $0.contains(stopReason) }
        }
        let lines = s.split(separator: "\n").map(String.init)
        let first = try #require(lines.firstIndex { $0.hasPrefix("  TTFT ") }, "\(s)")
        let last = try #require(lines.lastIndex { $0.contains(stopReason) }, "\(s)")
        let footer = lines[first...last]
        #expect(footer.count >= 2, "\(s)")  // wrapped, not cut
        #expect(footer.allSatisfy { $0.hasPrefix("  ") && !$0.hasSuffix(" ·") }, "\(s)")
        #expect(footer.joined(separator: " · ").contains(try Regex("decode [0-9.]+ tok/s")), "\(s)")
    }

    @Test func resizesWhileChatting() throws {
        let home = duetHomeWithTinyModels()
        let t = launch(home, arguments: "--max-tokens 2000")
        defer { t.stop() }
        t.keys("Resize me 中文", literal: true)
        t.keys("Enter")
        t.resize(cols: 40, rows: 12)
        var s = t.waitFor { $0.contains(" tok · ") && $0.hasPrefix(" duet  Chat") }
        var lines = s.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix(" duet  Chat   Compare   Train   Models"))
        #expect(lines[11].hasPrefix(" model tiny-random-gemma2"))  // the status bar keeps the model first
        #expect(!s.contains(" Chats "))  // no room for the chat list
        t.resize(cols: 200, rows: 60)
        s = t.waitFor { $0.contains(" Chats ") && $0.contains("TTFT ") }
        lines = s.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count >= 60)
        #expect(lines[59].hasSuffix("F1 help ^P cmds ^Q quit"))
        #expect(s.contains("Resize me 中文") && s.contains("TTFT "))
        #expect(!s.contains("too small"))
    }
}
