import Foundation
import Testing
@testable import Engine

/// `--keep-checkpoints`: the newest N checkpoints stay, and the one `latest` names is never deleted
/// (a run resumed from an older checkpoint keeps the checkpoint it resumed from until newer ones exist).
@Suite struct CheckpointPruningTests {
    func runDirectory(steps: [Int], latest: Int) throws -> URL {
        let run = URL(fileURLWithPath: NSTemporaryDirectory() + "duet-prune-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))")
        for step in steps {
            let dir = run.appendingPathComponent("checkpoints/step-\(step)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data("{}".utf8).write(to: dir.appendingPathComponent(TrainerState.fileName))
        }
        try Data("checkpoints/step-\(latest)\n".utf8).write(to: run.appendingPathComponent(TrainingCheckpoint.latestFileName))
        return run
    }

    func remaining(_ run: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: run.appendingPathComponent("checkpoints").path).sorted()
    }

    @Test func keepsTheNewestAndLatest() throws {
        let run = try runDirectory(steps: [100, 200, 300, 400, 500], latest: 500)
        defer { try? FileManager.default.removeItem(at: run) }
        #expect(try TrainingCheckpoint.prune(in: run, keep: 2) == [100, 200, 300])
        #expect(try remaining(run) == ["step-400", "step-500"])
        #expect(try TrainingCheckpoint.prune(in: run, keep: 2) == [])
    }

    @Test func neverDeletesTheCheckpointLatestNames() throws {
        let run = try runDirectory(steps: [8, 16, 24, 32], latest: 8)
        defer { try? FileManager.default.removeItem(at: run) }
        #expect(try TrainingCheckpoint.prune(in: run, keep: 1) == [16, 24])
        #expect(try remaining(run) == ["step-32", "step-8"])
    }
}
