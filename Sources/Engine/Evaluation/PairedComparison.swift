import DuetCore
import Foundation

/// Two models' results on the same evaluation items (one or more runs each, e.g. SFT seeds), task by
/// task: both accuracies and the paired 95% bootstrap interval of their difference. Run k of `a` is paired
/// with run k of `b`, item by item, so a difference "outside the noise" means the interval excludes zero.
public struct PairedComparison: Sendable {
    /// One task's line.
    public struct Row: Sendable {
        public var task: String
        public var items: Int
        public var accuracyA: Double
        public var accuracyB: Double
        public var difference: Double { accuracyA - accuracyB }
        public var interval: Bootstrap.Interval
    }

    public var rows: [Row]

    /// `a[k]` and `b[k]` are the per-item outcomes (task, correct) of run k, in the evaluation file's order.
    public init(a: [[(task: String, correct: Bool)]], b: [[(task: String, correct: Bool)]]) throws {
        guard a.count == b.count, !a.isEmpty else { throw PairedComparisonError.runCounts(a.count, b.count) }
        for (k, (x, y)) in zip(a, b).enumerated() {
            guard x.map(\.task) == y.map(\.task) else { throw PairedComparisonError.differentItems(run: k + 1) }
        }
        var tasks: [String] = []
        for item in a[0] where !tasks.contains(item.task) { tasks.append(item.task) }
        func outcomes(_ runs: [[(task: String, correct: Bool)]], _ task: String?) -> [Bool] {
            runs.flatMap { run in run.filter { task == nil || $0.task == task }.map(\.correct) }
        }
        func mean(_ xs: [Bool]) -> Double { xs.isEmpty ? 0 : Double(xs.filter { $0 }.count) / Double(xs.count) }
        rows = (tasks.map { Optional($0) } + [nil]).map { task in
            let x = outcomes(a, task), y = outcomes(b, task)
            return Row(task: task ?? "overall", items: x.count, accuracyA: mean(x), accuracyB: mean(y),
                       interval: Bootstrap.pairedDifference(x, y))
        }
    }

    /// Reads the per-item outcomes of a `duet eval tasks --json` report.
    public static func outcomes(ofReport data: Data, file: String) throws -> [(task: String, correct: Bool)] {
        let value: JSONValue
        do { value = try JSONParser.parse(Array(data)) } catch { throw PairedComparisonError.notAReport(file: file) }
        guard case let .array(items)? = value["items"] else { throw PairedComparisonError.notAReport(file: file) }
        return try items.map { item in
            guard case let .string(task)? = item["task"], case let .bool(correct)? = item["correct"] else {
                throw PairedComparisonError.notAReport(file: file)
            }
            return (task, correct)
        }
    }

    /// Task, items, both accuracies, the difference and its interval; a `*` marks a difference whose
    /// interval excludes zero.
    public func table(nameA: String, nameB: String) -> String {
        let width = max(13, (rows.map(\.task.count).max() ?? 0) + 2)
        func pad(_ s: String, _ w: Int, right: Bool = true) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return right ? fill + s : s + fill
        }
        let a = String(nameA.prefix(18)), b = String(nameB.prefix(18))
        var lines = [pad("task", width, right: false) + pad("n", 6) + pad(a, 20) + pad(b, 20) + pad("A - B", 9)
                     + pad("95% CI of A - B", 20)]
        for r in rows {
            lines.append(pad(r.task, width, right: false) + pad(String(r.items), 6)
                         + pad(String(format: "%.1f%%", r.accuracyA * 100), 20) + pad(String(format: "%.1f%%", r.accuracyB * 100), 20)
                         + pad(String(format: "%+.1f", r.difference * 100), 9)
                         + pad(String(format: "%+.1f to %+.1f", r.interval.low * 100, r.interval.high * 100), 20)
                         + (r.interval.excludesZero ? " *" : ""))
        }
        lines.append("* the interval excludes zero: a difference outside the noise of the items (paired bootstrap, 2000 resamples)")
        return lines.joined(separator: "\n")
    }
}

/// Why two evaluation reports cannot be compared.
public enum PairedComparisonError: Error, Equatable, CustomStringConvertible {
    case runCounts(Int, Int)
    case differentItems(run: Int)
    case notAReport(file: String)

    public var description: String {
        switch self {
        case let .runCounts(a, b): "give the same number of reports for each model, at least one (got \(a) and \(b))"
        case let .differentItems(run): "the reports of run \(run) are not on the same items in the same order"
        case let .notAReport(file): "\(file) is not the JSON of `duet eval tasks --json` with per-item results"
        }
    }
}
