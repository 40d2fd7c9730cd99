import Foundation
@testable import Synthetic
import Testing

/// Task weights (`duet data synth --task-weight TASK=N`): the training chats follow the weights asked for, a task
/// of weight 0 is never drawn, the held-out set does not move, and bad weights are named.
@Suite struct TaskWeightTests {
    static func write(_ weights: [TaskType: Int]) throws -> (SynthReport, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("duet-weights-\(UUID().uuidString)")
        var options = SynthOptions(sizeMB: 0.4, seed: 3, evalPerTask: 10)
        options.taskWeights = weights
        return (try SyntheticDataset.write(to: directory, options: options), directory)
    }

    @Test func chatsFollowTheWeightsAndTheHeldOutSetStaysTheSame() throws {
        let (plain, plainDirectory) = try Self.write([:])
        let (weighted, weightedDirectory) = try Self.write([.arithmetic: 12, .cipher: 0])
        defer {
            try? FileManager.default.removeItem(at: plainDirectory)
            try? FileManager.default.removeItem(at: weightedDirectory)
        }
        func share(_ report: SynthReport, _ task: TaskType) -> Double {
            Double(report.sft[task]?.total ?? 0) / Double(report.sft.values.reduce(0) { $0 + $1.total })
        }
        // Defaults: arithmetic 3 of 20 (15%); weighted: 12 of 27 (44%), cipher never.
        #expect(abs(share(plain, .arithmetic) - 0.15) < 0.04, "\(share(plain, .arithmetic))")
        #expect(abs(share(weighted, .arithmetic) - 12.0 / 27) < 0.06, "\(share(weighted, .arithmetic))")
        #expect(weighted.sft[.cipher] == nil)
        #expect(share(weighted, .passageQA) < share(plain, .passageQA))
        let eval = { (d: URL) in try Data(contentsOf: d.appendingPathComponent("eval.jsonl")) }
        #expect(try eval(plainDirectory) == eval(weightedDirectory))
    }

    @Test func badWeightsAreNamed() {
        var options = SynthOptions(sizeMB: 1, seed: 1)
        options.taskWeights = [.arithmetic: -1]
        #expect(throws: SynthError.invalidOption(field: "task-weight", reason: "must be in 0...1000")) { try options.validate() }
        options.taskWeights = Dictionary(uniqueKeysWithValues: TaskType.allCases.map { ($0, 0) })
        #expect(throws: SynthError.invalidOption(field: "task-weight", reason: "leaves no task to draw")) {
            try options.validate()
        }
    }
}
