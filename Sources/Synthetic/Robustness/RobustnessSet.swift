import DuetCore
import Foundation

/// The robustness set: held-out items that test whether a model generalises beyond the training
/// templates (issue 20), written as eval.jsonl lines for `duet eval tasks`.
///
/// Every task kind is asked in phrasings the training data never uses (`phrasings(for:)`), about names
/// from a space the training names never reach (`RobustNameGenerator`) and words the training data
/// never has (`RobustWords`), with numbers and list lengths across the trained ranges; about 30% of the
/// items are two-turn, the follow-up being the evaluated turn. Answers have exactly the form and check
/// of the training tasks. No robustness problem is in the training data in any wording either: it has
/// robustness words or names, which no training problem has, or else (sums; numbers to sort, reverse or
/// dedupe) it is of the held-out split (`DataSplit`), which the training generator never makes.
public enum RobustnessSet {
    /// Percentage of items with a follow-up turn.
    public static let twoTurnPercent = 30

    /// An item with the instance it was made from and the robustness names it uses.
    struct Generated {
        var instance: TaskInstance
        var item: EvalItem
        var names: Set<String>
    }

    static func generator(for task: TaskType) -> any RobustTask.Type {
        switch task {
        case .arithmetic: RobustArithmetic.self
        case .counting: RobustCounting.self
        case .sort: RobustSort.self
        case .reverse: RobustReverse.self
        case .dedupe: RobustDedupe.self
        case .copy: RobustCopy.self
        case .capitalise: RobustCapitalise.self
        case .cipher: RobustCipher.self
        case .passageQA: RobustPassageQA.self
        }
    }

    /// The phrasings of `task`'s first requests and of its follow-ups.
    public static func phrasings(for task: TaskType) -> (requests: [RobustTemplate], followUps: [RobustTemplate]) {
        let generator = generator(for: task)
        return (generator.requests, generator.followUps)
    }

    /// `perTask` distinct items of every task kind, in `TaskType` order; the same for the same seed.
    /// Each kind has its own random stream, so a kind's items for a smaller `perTask` are the first of
    /// those for a larger one.
    public static func items(perTask: Int, seed: UInt64) throws(RobustnessSetError) -> [EvalItem] {
        var items: [EvalItem] = []
        for task in TaskType.allCases { items += try generate(task, count: perTask, seed: seed).map(\.item) }
        return items
    }

    /// Writes `items(perTask:seed:)` to `url`, one JSON line each, atomically (a reader sees the old file
    /// or the whole new one); the directory is created if needed. Returns the items written.
    @discardableResult
    public static func write(to url: URL, perTask: Int, seed: UInt64) throws(RobustnessSetError) -> [EvalItem] {
        let items = try items(perTask: perTask, seed: seed)
        let data = Data(items.map { $0.jsonLine + "\n" }.joined().utf8)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(data, to: url)
        } catch {
            throw .cannotWrite(path: url.path, reason: "\(error)")
        }
        return items
    }

    /// `count` distinct items of `task`.
    static func generate(_ task: TaskType, count: Int, seed: UInt64) throws(RobustnessSetError) -> [Generated] {
        guard count > 0 else { throw .invalidPerTask(count) }
        let generator = generator(for: task)
        var rng = SynthRandom(seed: SynthRandom.derive(seed, "robustness/" + task.rawValue))
        var names = RobustNameGenerator()
        var seen = Set<String>()
        var out: [Generated] = []
        var attempts = 0
        while out.count < count {
            // Every space is far larger than any sensible count: running out means a bug, not bad luck.
            guard attempts < 100 * count else { throw .tooFewDistinct(task: task, wanted: count, found: out.count) }
            attempts += 1
            names.reset()
            let instance = generator.make(twoTurn: rng.chance(twoTurnPercent), names: &names, &rng)
            let final = instance.finalTurn
            let item = EvalItem(task: task.rawValue, messages: instance.prompt, answer: final.answer, check: final.check)
            guard seen.insert(item.jsonLine).inserted else { continue }
            out.append(Generated(instance: instance, item: item, names: names.handedOut))
        }
        return out
    }
}

/// Why the robustness set cannot be made.
public enum RobustnessSetError: Error, Equatable, CustomStringConvertible {
    case invalidPerTask(Int)
    case tooFewDistinct(task: TaskType, wanted: Int, found: Int)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidPerTask(n): "the items per task must be positive, got \(n)"
        case let .tooFewDistinct(task, wanted, found): "only \(found) distinct \(task.rawValue) items of \(wanted)"
        case let .cannotWrite(path, reason): "cannot write \(path): \(reason)"
        }
    }
}
