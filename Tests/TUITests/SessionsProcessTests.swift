import Foundation
import Sessions
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Several real `duet` processes on one database file: concurrent writer and reader, and writers
/// killed with SIGKILL in the middle of their work.
@Suite(.serialized) struct SessionsProcessTests {
    @Test(.timeLimit(.minutes(2)))
    func writerAndReaderProcessesShareTheDatabaseFor30Seconds() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("duet.sqlite")
        let store = try DuetStore.open(path: db)
        let run = try store.createRun(kind: .pretrain, config: ["soak": true])
        try store.startRun(id: run.id)
        let writer = try #require(startDuet(["debug", "sessions-writer", "--db", db, "--run", String(run.id),
                                             "--rows-per-second", "100", "--seconds", "30"]))
        let reader = try #require(startDuet(["debug", "sessions-reader", "--db", db, "--run", String(run.id),
                                             "--expect-rows", "3000", "--timeout", "75"]))
        let writerStatus = writer.wait()
        let readerStatus = reader.wait()
        #expect(writerStatus == 0, "writer: \(writer.stderr)")
        #expect(readerStatus == 0, "reader: \(reader.stdout) \(reader.stderr)")
        let done = try #require(writer.lines.last { $0.hasPrefix("done ") })
        #expect(done.hasPrefix("done rows=3000 "))
        let seconds = Double(done.split(separator: "=").last ?? "") ?? 0
        #expect(seconds >= 29.9, "100 rows/s for 30 s")
        let readerLine = try #require(reader.lines.last { $0.hasPrefix("reader ") })
        #expect(readerLine.contains(" rows=3000 errors=0 problems=0"))
        // The reader polled all along (every 20 ms), not once at the end.
        let reads = Int(readerLine.split(separator: " ").first { $0.hasPrefix("reads=") }?.dropFirst(6) ?? "") ?? 0
        #expect(reads > 300)

        #expect(try store.metricCount(runId: run.id) == 3000)
        let series = try store.metricSeries(runId: run.id, name: "loss")
        #expect(series.map(\.step) == Array(0..<3000))
        #expect(series.allSatisfy { $0.value == 1 / Double($0.step + 1) })
        #expect(try store.integrityProblems().isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func replyStreamingProcessKilledWithSIGKILLLosesNothingItHadSaved() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("duet.sqlite")
        let store = try DuetStore.open(path: db)
        let session = try store.createSession(title: "crash test")
        let question = try store.appendMessage(to: session.id, parent: nil, role: .user, content: "Count for me")
        let child = try #require(startDuet(["debug", "stream-reply", "--db", db, "--session", String(session.id),
                                            "--parent", String(question.id), "--tokens", "100000", "--token-ms", "2"]))
        // Let it flush (once per second) three times, then kill it mid-stream.
        let third = child.waitForLine(timeout: 20) { $0.hasPrefix("flushed ") && child.lines.filter { $0.hasPrefix("flushed ") }.count >= 3 }
        #expect(third != nil, "child output: \(child.stdout) \(child.stderr)")
        child.signal(SIGKILL)
        #expect(child.wait() == 128 + SIGKILL)
        let saved = child.lines.filter { $0.hasPrefix("flushed ") }.compactMap { Int($0.dropFirst(8)) }.max() ?? 0
        let messageId = try #require(child.lines.first { $0.hasPrefix("message ") }.flatMap { Int64($0.dropFirst(8)) })
        #expect(saved > 0)

        // Its process is gone: the reply reads as interrupted at once (not after staleReplyAfter) ...
        let reader = try DuetStore.open(path: db, access: .readOnly)
        #expect(try reader.message(id: messageId)?.status == .interrupted)
        // ... and the next store opened for writing stores it so (stopped, with an "interrupted:" error).
        let reopened = try DuetStore.open(path: db)
        #expect(try reopened.integrityProblems().isEmpty)
        let reply = try #require(try reopened.message(id: messageId))
        #expect(reply.status == .interrupted)
        #expect(reply.error == "interrupted: the process generating it (pid \(child.pid)) ended")
        #expect(reply.parentId == question.id)
        #expect(reply.content.count >= saved)
        var expected = "", token = 0
        while expected.utf8.count < reply.content.utf8.count {
            expected += "tok\(token) "
            token += 1
        }
        #expect(expected.hasPrefix(reply.content))
        #expect(try reopened.message(id: question.id)?.content == "Count for me")
        // The file is fully usable afterwards.
        try reopened.appendMessage(to: session.id, parent: messageId, role: .user, content: "still here?")
        #expect(try reopened.search("still").count == 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func metricsProcessKilledInsideABatchKeepsExactlyTheCommittedBatches() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("duet.sqlite")
        let store = try DuetStore.open(path: db)
        let run = try store.createRun(kind: .sft, config: [:])
        let child = try #require(startDuet(["debug", "metrics-batch", "--db", db, "--run", String(run.id),
                                            "--batch-rows", "2000", "--complete-batches", "3"]))
        let inside = child.waitForLine(timeout: 30) { $0.hasPrefix("inside batch") }
        #expect(inside == "inside batch at step 7000", "child output: \(child.stdout) \(child.stderr)")
        // 1000 rows of batch 4 are inserted, uncommitted, when the process dies.
        child.signal(SIGKILL)
        #expect(child.wait() == 128 + SIGKILL)
        #expect(child.lines.contains("committed batch 3 rows=6000"))

        let reopened = try DuetStore.open(path: db)
        #expect(try reopened.integrityProblems().isEmpty)
        #expect(try reopened.metricCount(runId: run.id) == 6000)
        #expect(try reopened.metricSeries(runId: run.id, name: "loss").map(\.step) == Array(0..<6000))
        #expect(try store.metricCount(runId: run.id) == 6000)  // the connection open during the kill agrees
        try reopened.insertMetrics([Metric(runId: run.id, step: 6000, name: "loss", value: 1)])
        #expect(try store.metricCount(runId: run.id) == 6001)
    }
}
