import Foundation

/// A linear probe's result on one task (`duet eval probe --json`).
struct ProbeResult: Sendable {
    var task: String
    var test: Int
    var majorityBaseline: Double
    /// Held-out accuracy by feature kind ("encoder, mean-pooled", "decoder-only, last token", ...).
    var accuracy: [String: Double]

    /// The best feature kind's held-out accuracy (for a decoder-only model: the better of last token and mean).
    var best: Double { accuracy.values.max() ?? 0 }

    static func load(_ path: String) throws -> ProbeResult {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let task = object["task"] as? String, let test = object["test"] as? Int,
              let majority = object["majority_baseline"] as? Double, let features = object["features"] as? [[String: Any]] else {
            throw CommandFailure("\(path) is not the output of `duet eval probe --json`")
        }
        var accuracy: [String: Double] = [:]
        for f in features {
            if let name = f["features"] as? String, let value = f["test_accuracy"] as? Double { accuracy[name] = value }
        }
        return ProbeResult(task: task, test: test, majorityBaseline: majority, accuracy: accuracy)
    }
}
