import Foundation
import Sessions
import Testing
@testable import TUI

/// The UI thread never waits for the database: while another `duet` process holds SQLite's write lock, the
/// chat stays responsive, and a write that times out gives the user's text back.
@Suite(.serialized) struct BusyDatabaseTests {
    /// Holds the write lock of `path` from another `duet` process (`duet debug hold-lock`) until
    /// ``unlock()``. (A second store in this process would share its pool: one pool per file per process.)
    final class LockHolder {
        private let process: BackgroundProcess
        private let releaseFile: String

        init(path: String) throws {
            releaseFile = path + ".release-\(UInt32.random(in: 0..<UInt32.max))"
            process = try #require(startDuet(["debug", "hold-lock", "--db", path, "--seconds", "120",
                                              "--until-file", releaseFile]))
            try #require(process.waitForLine { $0 == "locked" } != nil, "hold-lock did not lock: \(process.stderr)")
        }

        func unlock() {
            _ = FileManager.default.createFile(atPath: releaseFile, contents: Data())
            process.wait()
            try? FileManager.default.removeItem(atPath: releaseFile)
        }
    }

    @Test func sendReturnsAtOnceAndTheReplyFollowsTheLock() throws {
        let h = try ShellHarness()
        let chat = h.chat
        let lock = try LockHolder(path: h.store.path)
        let start = Date()
        h.shell.handle(.paste("Hello while the trainer writes"))
        h.shell.run(EditorCommand.submit.rawValue)
        #expect(Date().timeIntervalSince(start) < 1)  // the UI thread did not wait for the lock
        #expect(chat.controller.saving && chat.editor.text.isEmpty)
        #expect(h.screenText().contains("saving your message…"))
        #expect(chat.controller.generationBlocker() == "Still saving the last message…")
        h.shell.run("chat.new")  // has to wait; the notice says for what (a save cannot be stopped with Esc)
        #expect(h.screenText().contains("still being saved") && !h.screenText().contains("reply is being generated"))
        usleep(300_000)
        for event in h.workspace.events.drain() { h.shell.handle(event) }
        #expect(chat.controller.saving)  // still waiting for the lock
        lock.unlock()
        #expect(h.pump { !chat.controller.isBusy })
        let session = try #require(chat.controller.session)
        let stored = try h.store.conversation(in: session.id)
        #expect(stored.map(\.content).first == "Hello while the trainer writes")
        #expect(stored.last?.role == .assistant && stored.last?.status == .complete)
    }

    @Test func aWriteThatTimesOutGivesTheTextBack() throws {
        let h = try ShellHarness(busyTimeout: 0.3)
        let chat = h.chat
        let lock = try LockHolder(path: h.store.path)
        h.shell.handle(.paste("Do not lose me"))
        h.shell.run(EditorCommand.submit.rawValue)
        #expect(h.pump(timeout: 10) { !chat.controller.saving })
        lock.unlock()
        #expect(chat.editor.text == "Do not lose me")
        #expect(chat.controller.session == nil && chat.controller.branch.isEmpty)
        #expect(h.screenText(width: 200).contains("Could not send:"))
        #expect(try h.store.sessions().isEmpty)
        // Once the lock is gone, Enter sends it. (Wait until a write goes through first: on a loaded machine the
        // other connection can take a moment to let go, and this store gives up after 0.3 s.)
        var writable = false
        for _ in 0..<100 where !writable {
            writable = (try? h.store.withWriteLock {}) != nil
            if !writable { usleep(50_000) }
        }
        #expect(writable)
        h.send("")
        #expect(h.pump { !chat.controller.isBusy })
        #expect(try h.store.sessions().map(\.session.title) == ["Do not lose me"])
    }

    @Test func aVoteIsShownAtOnceAndStoredAfterTheLock() throws {
        let h = try ShellHarness(maxTokens: 6)
        h.shell.switchTo(.compare)
        let screen = h.compare
        h.send("Vote while busy")
        #expect(h.pump { screen.run?.isDone == true })
        let run = try #require(screen.run)
        let lock = try LockHolder(path: h.store.path)
        let start = Date()
        h.shell.handle(.key(KeyChord(.character("t"))))
        #expect(Date().timeIntervalSince(start) < 1)
        #expect(!screen.isVoting && h.screenText(width: 200).contains("A tie"))
        #expect(try h.store.comparison(id: run.comparisonId!)?.vote == nil)
        lock.unlock()
        h.settleWrites()
        #expect(try h.store.comparison(id: run.comparisonId!)?.vote == .tie)
        #expect(try h.store.winRates().first?.ties == 1)
    }
}
