/// What `SyntheticDataset.write` generates.
public struct SynthOptions: Sendable, Equatable {
    /// Target size of the training files (pretrain.txt + sft.jsonl together) in MB of 10^6 bytes.
    public var sizeMB: Double
    public var seed: UInt64
    /// Held-out evaluation items per task type in eval.jsonl.
    public var evalPerTask: Int
    /// Share of the training bytes that go to sft.jsonl (the rest to pretrain.txt).
    public var sftFraction: Double
    /// Size of valid.txt as a share of pretrain.txt (at least `minimumValidBytes`).
    public var validFraction: Double
    /// Percentage of chats with a second turn.
    public var twoTurnPercent: Int
    /// Percentage of pretraining (and validation) documents that are arithmetic drills: lines of solved
    /// equations over the arithmetic task's operands. 0 keeps the files byte for byte as without the option.
    public var arithmeticDrillPercent = 0
    /// Percentage of the words in training lists and texts (SFT, worked examples, valid.txt) that are
    /// English-shaped made-up words (`NameGenerator.englishShapedWord`); the held-out set is unchanged.
    /// 0 keeps the files byte for byte as without the option.
    public var englishShapedPercent = 0
    /// Per-task weights of the training chats and worked examples, replacing `TaskType.weight` for the
    /// tasks named (`[.arithmetic: 6]` doubles arithmetic's share against the default 3). Empty keeps the
    /// files byte for byte as without the option; the held-out set is unchanged either way.
    public var taskWeights: [TaskType: Int] = [:]
    /// People and towns of the training world and of the held-out world.
    public var trainPeople = 1000, trainTowns = 100, heldOutPeople = 200, heldOutTowns = 25

    public static let minimumValidBytes = 20_000

    public init(sizeMB: Double, seed: UInt64, evalPerTask: Int = 100, sftFraction: Double = 0.5,
                validFraction: Double = 0.05, twoTurnPercent: Int = 25) {
        self.sizeMB = sizeMB
        self.seed = seed
        self.evalPerTask = evalPerTask
        self.sftFraction = sftFraction
        self.validFraction = validFraction
        self.twoTurnPercent = twoTurnPercent
    }

    /// Checks the ranges; the error names the option.
    public func validate() throws {
        func bad(_ field: String, _ reason: String) -> SynthError { .invalidOption(field: field, reason: reason) }
        guard sizeMB.isFinite, sizeMB > 0, sizeMB <= 10_000 else { throw bad("size-mb", "must be in (0, 10000]") }
        guard evalPerTask >= 0, evalPerTask <= 100_000 else { throw bad("eval-per-task", "must be in 0...100000") }
        guard sftFraction >= 0, sftFraction <= 1 else { throw bad("sft-fraction", "must be in [0, 1]") }
        guard validFraction >= 0, validFraction <= 1 else { throw bad("valid-fraction", "must be in [0, 1]") }
        guard (0...100).contains(twoTurnPercent) else { throw bad("two-turn-percent", "must be in 0...100") }
        guard (0...100).contains(arithmeticDrillPercent) else { throw bad("arithmetic-drill-percent", "must be in 0...100") }
        guard (0...100).contains(englishShapedPercent) else { throw bad("english-shaped-percent", "must be in 0...100") }
        guard taskWeights.values.allSatisfy({ (0...1000).contains($0) }) else { throw bad("task-weight", "must be in 0...1000") }
        guard weights.contains(where: { $0 > 0 }) else { throw bad("task-weight", "leaves no task to draw") }
        guard trainPeople >= 2, heldOutPeople >= 2, trainTowns >= 1, heldOutTowns >= 1 else {
            throw bad("world", "needs at least 2 people and 1 town per world")
        }
    }

    /// The weight of every task, in `TaskType.allCases` order.
    public var weights: [Int] { TaskType.allCases.map { taskWeights[$0] ?? $0.weight } }

    /// Target bytes of pretrain.txt, sft.jsonl and valid.txt.
    var pretrainBytes: Int { Int((sizeMB * 1e6 * (1 - sftFraction)).rounded()) }
    var sftBytes: Int { Int((sizeMB * 1e6 * sftFraction).rounded()) }
    var validBytes: Int { max(Self.minimumValidBytes, Int((Double(pretrainBytes) * validFraction).rounded())) }
}

/// Why a synthetic data set cannot be written.
public enum SynthError: Error, Equatable, CustomStringConvertible {
    case invalidOption(field: String, reason: String)
    case cannotCreateDirectory(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidOption(field, reason): "--\(field) \(reason)"
        case let .cannotCreateDirectory(path, reason): "cannot create \(path): \(reason)"
        }
    }
}
