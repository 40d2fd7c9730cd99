import Foundation

/// A linear probe's result on one task (`duet eval probe --json`).
struct ProbeResult: Sendable {
    var task: String
    var test: Int
    var majorityBaseline: Double
    /// Held-out accuracy by feature kind ("encoder, mean-pooled", "decoder-only, last token", ...).
    var accuracy: [String: Double]
    /// Per held-out statement, whether each feature kind's probe got it right (outputs of older duet
    /// versions have none).
    var correct: [String: [Bool]] = [:]

    /// The best feature kind's held-out accuracy (for a decoder-only model: the better of last token and mean).
    var best: Double { accuracy.values.max() ?? 0 }

    /// The best feature kind's per-statement results, when recorded (ties go to the first kind by name, so
    /// that every run of the report picks the same one).
    var bestCorrect: [Bool]? {
        accuracy.sorted { $0.key < $1.key }.max { $0.value < $1.value }.flatMap { correct[$0.key] }
    }

    static func load(_ path: String) throws -> ProbeResult {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let task = object["task"] as? String, let test = object["test"] as? Int,
              let majority = object["majority_baseline"] as? Double, let features = object["features"] as? [[String: Any]] else {
            throw CommandFailure("\(path) is not the output of `duet eval probe --json`")
        }
        var accuracy: [String: Double] = [:], correct: [String: [Bool]] = [:]
        for f in features {
            guard let name = f["features"] as? String else { continue }
            if let value = f["test_accuracy"] as? Double { accuracy[name] = value }
            if let items = f["test_correct"] as? [Bool] { correct[name] = items }
        }
        return ProbeResult(task: task, test: test, majorityBaseline: majority, accuracy: accuracy, correct: correct)
    }
}
