import DuetCore
import Foundation
import Testing
import GRDB
@testable import Sessions

@Suite struct ReplyWriterTests {
    static let stats = MessageStats(
        promptTokens: 12, encoderTokens: 9, encodeMs: 3.5, prefillMs: 20.25, timeToFirstTokenMs: 31, decodeTokensPerSecond: 17.5,
        generatedTokens: 42, seed: UInt64.max - 1, sampling: SamplingParameters(temperature: 0.7, topP: 0.9),
        stopReason: .endOfSequence, modelHash: "sha256:ab", engineThreads: 2, blasThreads: 1, engineVersion: "0.1.0")

    @Test func streamedTextIsStoredBeforeTheEndAndFinalisedWithStats() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let session = try store.createSession(title: "stream")
        let question = try store.appendMessage(to: session.id, parent: nil, role: .user, content: "Tell me")
        let reply = try store.beginReply(in: session.id, parent: question.id, flushInterval: 0.1)
        let id = try #require(reply.messageId)
        #expect(try store.message(id: id)?.status == .streaming)
        #expect(try store.message(id: id)?.content == "")
        reply.append("Once ")
        reply.append("upon")
        // Another connection (as another process would) sees the text without any explicit flush.
        let reader = try dir.store()
        #expect(try eventually { try reader.message(id: id)?.content == "Once upon" })
        #expect(try reader.message(id: id)?.status == .streaming)
        reply.append(" a time.")
        try reply.finish(stats: Self.stats)
        let final = try #require(try reader.message(id: id))
        #expect(final.content == "Once upon a time.")
        #expect(final.status == .complete)
        #expect(final.stats == Self.stats)
        #expect(final.role == .assistant)
        #expect(final.parentId == question.id)
        #expect(throws: SessionsError.invalidArgument("this reply was already finished")) { try reply.finish(stats: nil) }
        // Appending after the end is ignored.
        reply.append("more")
        #expect(try reader.message(id: id)?.content == "Once upon a time.")
    }

    @Test func flushesAreThrottledButNeverLaterThanTheInterval() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let session = try store.createSession(title: "throttle")
        let flushes = Recorder<(Date, Int)>()
        let reply = try store.beginReply(in: session.id, parent: nil, flushInterval: 0.2) { flushes.append((Date(), $0)) }
        let start = Date()
        for token in 0..<100 {
            reply.append("t\(token) ")
            usleep(10_000)
        }
        let elapsed = Date().timeIntervalSince(start)
        try reply.flush()
        let times = [start] + flushes.values.map(\.0)
        // About one write per 0.2 s, not one per token.
        #expect(flushes.values.count <= Int(elapsed / 0.2) + 2)
        #expect(flushes.values.count >= Int(elapsed / 0.2) / 2)
        let longestGap = zip(times.dropFirst(), times).map { $0.timeIntervalSince($1) }.max() ?? 0
        #expect(longestGap < 0.2 + 0.3)  // slack for a loaded machine
        #expect(flushes.values.last?.1 == reply.text.count)
        #expect(try store.message(id: reply.messageId!)?.content == reply.text)
    }

    @Test func stoppedAndFailedRepliesKeepTheirText() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let session = try store.createSession(title: "ends")
        let stopped = try store.beginReply(in: session.id, parent: nil)
        stopped.append("partial answer")
        var stats = Self.stats
        stats.stopReason = .userStopped
        try stopped.stop(stats: stats)
        let failed = try store.beginReply(in: session.id, parent: nil)
        failed.append("half")
        try failed.fail("out of memory")
        let stoppedMessage = try #require(try store.message(id: stopped.messageId!))
        #expect(stoppedMessage.status == .stopped)
        #expect(stoppedMessage.content == "partial answer")
        #expect(stoppedMessage.stats?.stopReason == .userStopped)
        let failedMessage = try #require(try store.message(id: failed.messageId!))
        #expect(failedMessage.status == .failed)
        #expect(failedMessage.error == "out of memory")
        #expect(failedMessage.content == "half")
        #expect(failedMessage.stats == nil)
    }

    @Test func anAbandonedStreamingReplyReadsAsInterrupted() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store(options: .init(staleReplyAfter: 0.3))
        let session = try store.createSession(title: "crash")
        let reply = try store.beginReply(in: session.id, parent: nil, flushInterval: 0.05)
        // Written from another host (a shared file system): only silence tells that its writer died.
        try store.write { db in
            try db.execute(sql: "UPDATE message SET ownerHost = 'elsewhere' WHERE id = ?", arguments: [reply.messageId])
        }
        reply.append("shown before the crash")
        try reply.flush()
        #expect(try store.message(id: reply.messageId!)?.status == .streaming)
        usleep(400_000)
        let message = try #require(try store.message(id: reply.messageId!))
        #expect(message.status == .interrupted)
        #expect(message.content == "shown before the crash")
        // Reporting does not rewrite the row: a late writer can still finish it.
        try reply.finish(stats: nil)
        #expect(try store.message(id: reply.messageId!)?.status == .complete)
    }
}

/// A streaming text whose writer process is gone reads as interrupted at once and is stored so by the
/// next store opened for writing; one whose writer lives stays streaming however long it is silent.
@Suite struct InterruptedGenerationTests {
    /// A pid no process has: above the kernel's pid_max.
    static let deadPid: Int32 = {
        let max = (try? String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8))
            .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 4_194_304
        return max + 1
    }()

    @Test func aReplyOfAGoneProcessIsInterruptedAndStoredSo() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("owners.sqlite")
        let store = try DuetStore.open(path: path, options: .init(staleReplyAfter: 3600))
        let session = try store.createSession(title: "owners")
        let question = try store.appendMessage(to: session.id, parent: nil, role: .user, content: "hi")
        let live = try store.beginReply(in: session.id, parent: question.id)
        let dead = try store.beginReply(in: session.id, parent: question.id)
        dead.append("half a rep")
        try dead.flush()
        try store.write { db in
            try db.execute(sql: "UPDATE message SET ownerPid = ? WHERE id = ?", arguments: [Self.deadPid, dead.messageId])
        }
        #expect(try store.message(id: live.messageId!)?.status == .streaming)  // silent, but its process lives
        #expect(try store.message(id: dead.messageId!)?.status == .interrupted)
        #expect(try store.settleInterruptedGenerations() == 1)
        let row = try store.read { db in
            try Row.fetchOne(db, sql: "SELECT status, error, content FROM message WHERE id = ?", arguments: [dead.messageId])
        }
        #expect(row?["status"] as String? == "stopped")
        #expect(row?["content"] as String? == "half a rep")
        #expect((row?["error"] as String?)?.hasPrefix(GenerationOwner.storedMarker) == true)
        #expect(try store.message(id: dead.messageId!)?.status == .interrupted)
        #expect(try store.settleInterruptedGenerations() == 0)
        try live.finish(stats: nil)
        #expect(try store.message(id: live.messageId!)?.status == .complete)
    }

    @Test func aComparisonSideOfAGoneProcessIsInterrupted() throws {
        let dir = TemporaryDirectory()
        let store = try DuetStore.open(path: dir.file("sides.sqlite"))
        let a = try store.registerModel(path: "/m/a", architecture: "gemma2", contentHash: "a")
        let b = try store.registerModel(path: "/m/b", architecture: "t5gemma", contentHash: "b")
        let comparison = try store.createComparison(prompt: "p", labelsHidden: false,
                                                    contenders: [Contender(modelId: a.id), Contender(modelId: b.id)])
        let entry = try #require(comparison.entries.first)
        _ = try store.beginOutput(forEntry: entry.id)
        try store.write { db in
            try db.execute(sql: "UPDATE comparisonEntry SET ownerPid = ? WHERE id = ?", arguments: [Self.deadPid, entry.id])
        }
        #expect(try store.comparison(id: comparison.id)?.entries.first?.status == .interrupted)
        #expect(try store.settleInterruptedGenerations() == 1)
        #expect(try store.comparison(id: comparison.id)?.entries.first?.status == .interrupted)
    }
}
