import Foundation
import Testing
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
