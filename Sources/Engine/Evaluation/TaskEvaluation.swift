import DuetCore
import Foundation
import Synthetic

/// One scored evaluation item.
public struct EvalOutcome: Sendable {
    public var item: EvalItem
    public var reply: String
    public var correct: Bool
}

/// Accuracy on one task type.
public struct TaskScore: Sendable, Equatable {
    public var task: String
    public var n: Int
    public var correct: Int
    public var accuracy: Double { n == 0 ? 0 : Double(correct) / Double(n) }
}

/// Runs held-out evaluation sets (eval.jsonl) and scores each reply with `TaskChecker`.
public enum TaskEvaluation {
    /// Evaluates `model` on `evalFile`: greedy decoding of at most `maxTokens` per reply, the first
    /// `limitPerTask` items of each task (all if nil). `onItem` sees each outcome with its index and the total.
    public static func run(model: LoadedModel, evalFile: URL, limitPerTask: Int? = nil, maxTokens: Int = 64,
                           onItem: ((EvalOutcome, Int, Int) -> Void)? = nil) throws -> TaskEvaluationReport {
        let items = try EvalItem.load(from: evalFile)
        let responder = try ModelResponder(model: model, maxTokens: maxTokens)
        var speeds: [Double] = []
        var report = try run(items: items, limitPerTask: limitPerTask, onItem: onItem) { item in
            let reply = try responder.reply(to: item.messages)
            // Replies of one token have no decode step to time.
            if reply.stats.generatedTokens > 1 { speeds.append(reply.stats.decodeTokensPerSecond) }
            return reply.text
        }
        speeds.sort()
        if !speeds.isEmpty {
            report.decodeTokensPerSecond = speeds.count % 2 == 1 ? speeds[speeds.count / 2]
                : (speeds[speeds.count / 2 - 1] + speeds[speeds.count / 2]) / 2
        }
        return report
    }

    /// Scores the replies `respond` gives to `items` (the first `limitPerTask` of each task).
    public static func run(items: [EvalItem], limitPerTask: Int? = nil, onItem: ((EvalOutcome, Int, Int) -> Void)? = nil,
                           respond: (EvalItem) throws -> String) throws -> TaskEvaluationReport {
        let chosen = try select(items, limitPerTask: limitPerTask)
        var outcomes: [EvalOutcome] = []
        outcomes.reserveCapacity(chosen.count)
        for (index, item) in chosen.enumerated() {
            let reply = try respond(item)
            let outcome = EvalOutcome(item: item, reply: reply,
                                      correct: TaskChecker.isCorrect(reply: reply, answer: item.answer, check: item.check))
            outcomes.append(outcome)
            onItem?(outcome, index, chosen.count)
        }
        return TaskEvaluationReport(outcomes: outcomes)
    }

    /// The first `limitPerTask` items of each task, in file order.
    public static func select(_ items: [EvalItem], limitPerTask: Int?) throws -> [EvalItem] {
        guard let limit = limitPerTask else { return items }
        guard limit > 0 else { throw TaskEvaluationError.invalidLimit(limit) }
        var taken: [String: Int] = [:]
        return items.filter { item in
            let n = taken[item.task, default: 0]
            taken[item.task] = n + 1
            return n < limit
        }
    }
}

/// Per-task accuracy of an evaluation run, with the overall figures.
public struct TaskEvaluationReport: Sendable {
    public var outcomes: [EvalOutcome]
    /// One score per task, in order of first appearance in the evaluation file.
    public var scores: [TaskScore]
    /// Median decode speed over the replies of more than one token (nil when replies were not timed),
    /// the cost the quality-efficiency frontier puts beside this accuracy.
    public var decodeTokensPerSecond: Double?

    public init(outcomes: [EvalOutcome]) {
        self.outcomes = outcomes
        var scores: [TaskScore] = []
        var index: [String: Int] = [:]
        for o in outcomes {
            let i = index[o.item.task] ?? {
                scores.append(TaskScore(task: o.item.task, n: 0, correct: 0))
                index[o.item.task] = scores.count - 1
                return scores.count - 1
            }()
            scores[i].n += 1
            if o.correct { scores[i].correct += 1 }
        }
        self.scores = scores
    }

    /// All items pooled.
    public var overall: TaskScore {
        TaskScore(task: "overall", n: outcomes.count, correct: outcomes.filter(\.correct).count)
    }

    /// The mean of the per-task accuracies (every task counts the same).
    public var macroAccuracy: Double {
        scores.isEmpty ? 0 : scores.map(\.accuracy).reduce(0, +) / Double(scores.count)
    }

    /// Up to `limit` single-turn prompts the model answered correctly, the shortest of each task (one
    /// each, the tasks it answers best first, ties in file order), none longer than `maxLength` characters
    /// or spanning lines: suggestions of what the model can do, for a user who does not know it yet. Best
    /// tasks first, because the user's next question will be like the suggestion.
    public func answeredPrompts(limit: Int, maxLength: Int = 80) -> [String] {
        var best: [String: String] = [:]
        for o in outcomes where o.correct && o.item.messages.count == 1 {
            let prompt = o.item.messages[0].content
            guard prompt.count <= maxLength, !prompt.contains("\n") else { continue }
            if let current = best[o.item.task], current.count <= prompt.count { continue }
            best[o.item.task] = prompt
        }
        let ranked = scores.enumerated().sorted { ($1.element.accuracy, $0.offset) < ($0.element.accuracy, $1.offset) }
        return Array(ranked.compactMap { best[$0.element.task] }.prefix(limit))
    }

    /// Whether each item of `task` (all items for "overall") was answered right, in file order.
    public func correctness(of task: String) -> [Bool] {
        outcomes.filter { task == "overall" || $0.item.task == task }.map(\.correct)
    }

    /// The 95% bootstrap interval of a task's accuracy over its items ("overall": all items).
    public func interval(of task: String) -> Bootstrap.Interval { Bootstrap.accuracy(correctness(of: task)) }

    /// A plain-text table: task, n, correct, accuracy with its 95% bootstrap interval over items; then
    /// overall and the macro average.
    public var table: String {
        let width = max(13, (scores.map(\.task.count).max() ?? 0) + 2)
        func pad(_ s: String, _ w: Int, right: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return right ? fill + s : s + fill
        }
        func row(_ s: TaskScore) -> String {
            let ci = interval(of: s.task)
            return pad(s.task, width) + pad(String(s.n), 6, right: true) + pad(String(s.correct), 9, right: true)
                + pad(String(format: "%.1f%%", s.accuracy * 100), 10, right: true)
                + pad(String(format: "%.1f-%.1f%%", ci.low * 100, ci.high * 100), 15, right: true)
        }
        var lines = [pad("task", width) + pad("n", 6, right: true) + pad("correct", 9, right: true)
                     + pad("accuracy", 10, right: true) + pad("95% CI", 15, right: true)]
        lines += scores.map(row)
        lines.append(String(repeating: "-", count: width + 40))
        lines.append(row(overall))
        lines.append(pad("macro average", width) + pad("", 15) + pad(String(format: "%.1f%%", macroAccuracy * 100), 10, right: true))
        return lines.joined(separator: "\n")
    }

    /// `{"tasks": [{"task", "n", "correct", "accuracy", "ci": [low, high]}...], "overall": {...},
    /// "macro_accuracy": x, "items": [{"task", "correct", "reply"}...]}` (items in file order, so two
    /// reports on one file can be compared item by item: `duet eval diff`).
    public var json: JSONValue {
        func score(_ s: TaskScore) -> JSONValue {
            let ci = interval(of: s.task)
            return .object([("task", .string(s.task)), ("n", .int(s.n)), ("correct", .int(s.correct)),
                            ("accuracy", .double(s.accuracy)), ("ci", .array([.double(ci.low), .double(ci.high)]))])
        }
        let items = outcomes.map { o in
            JSONValue.object([("task", .string(o.item.task)), ("correct", .bool(o.correct)), ("reply", .string(o.reply))])
        }
        return .object([("tasks", .array(scores.map(score))), ("overall", score(overall)),
                        ("macro_accuracy", .double(macroAccuracy)), ("items", .array(items))])
    }
}
