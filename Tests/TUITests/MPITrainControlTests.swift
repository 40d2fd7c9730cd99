import Foundation
import Sessions
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Controls of a run trained by `mpirun -np 2 duet train`: requests posted in the database reach rank 0
/// and are agreed on by both ranks (pause holds both, stop ends both after one checkpoint); a rank that
/// stops answering ends the job after the collective timeout.
@Suite(.serialized) struct MPITrainControlTests {
    static func arguments(_ dir: TemporaryDirectory, out: String) -> [String] {
        MPITrainTests.arguments(dir, model: "model", objective: "clm", data: "corpus.jsonl", out: out, steps: 4000, batch: 4)
    }

    @Test(.timeLimit(.minutes(5))) func databaseRequestsPauseAndStopEveryRank() throws {
        let dir = TemporaryDirectory()
        try TrainCLITests.prepare(dir)
        let store = try DuetStore.open(path: dir.file("duet.sqlite"))
        let job = try #require(BackgroundProcess(MPITrainTests.mpirunArguments(2, Self.arguments(dir, out: "control"))))
        try #require(job.waitForLine(timeout: 120) { $0.contains("\"event\":\"step\"") } != nil, "\(job.stderr)")
        let startLine = try #require(job.lines.first { $0.contains("\"event\":\"start\"") })
        let runId = try #require(TrainCLITests.field(startLine, "run_id").flatMap(Int64.init))
        #expect(TrainCLITests.field(startLine, "ranks") == "2")

        try TrainCLITests.pauseThenStop(store, runId: runId) { MPITrainTests.losses(job.stdout).count }
        #expect(job.wait() == 0, "both ranks end normally: \(job.stderr)")
        let end = try #require(job.lines.last)
        #expect(end.contains("\"event\":\"end\"") && end.contains("\"status\":\"stopped\""))
        let final = try #require(try store.run(id: runId))
        #expect(final.status == .stopped)
        let requests = try store.controlRequests(runId: runId)
        #expect(requests.allSatisfy { $0.acknowledgedAt != nil })
        #expect(requests.first { $0.action == .checkpoint }?.note?.hasPrefix("saved ") == true)
        let stoppedAt = try #require(TrainCLITests.field(end, "step").flatMap(Int64.init))
        #expect(try store.checkpoints(runId: runId).last?.step == stoppedAt)
    }

    /// A rank that stops answering without dying (SIGSTOP) is not noticed by mpirun; the others' wait in
    /// the next all-reduce times out (DUET_MPI_TIMEOUT), rank 0 records why, and the job ends.
    @Test(.timeLimit(.minutes(5))) func stoppedRankTimesOutAndTheRunFails() throws {
        let dir = TemporaryDirectory()
        try TrainCLITests.prepare(dir)
        let job = try #require(BackgroundProcess(MPITrainTests.mpirunArguments(2, Self.arguments(dir, out: "stall")),
                                                 environment: ["DUET_MPI_TIMEOUT": "4"]))
        try #require(job.waitForLine(timeout: 120) { $0.contains("\"step\":3,") } != nil, "\(job.stderr)")
        let victim = try #require(MPITrainTests.rankPid(1, parent: job.pid))
        kill(victim, SIGSTOP)
        defer { kill(victim, SIGKILL) }
        #expect(job.wait() != 0)
        #expect(job.stderr.contains("no answer from the other ranks for"), "\(job.stderr)")
        let store = try DuetStore.open(path: dir.file("duet.sqlite"))
        let run = try #require(try store.runs().first { $0.outputDirectory == dir.file("stall") })
        #expect(run.status == .failed)
        #expect(run.error?.contains("DUET_MPI_TIMEOUT=4") == true, "\(run.error ?? "no error")")
    }
}
