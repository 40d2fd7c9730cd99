/// Makes task instances of one `DataSplit`: names from that split only, and only problems whose
/// content key falls in that split (a training generator never produces a held-out problem).
public struct TaskGenerator {
    public let split: DataSplit
    private var names: NameGenerator

    /// `englishShapedPercent`: the share of list and text words that are English-shaped made-up words
    /// (`NameGenerator.englishShapedWord`).
    public init(split: DataSplit, englishShapedPercent: Int = 0) {
        self.split = split
        names = NameGenerator(split: split, englishShapedPercent: englishShapedPercent)
    }

    /// A random instance of `task`, with a follow-up turn if `twoTurn`.
    public mutating func make(_ task: TaskType, twoTurn: Bool, _ rng: inout SynthRandom) -> TaskInstance {
        while true {
            // Names only need to differ within one instance.
            names.reset()
            var instance = Self.draw(task, twoTurn: twoTurn, names: &names, &rng)
            if DataSplit.of(taskKey: instance.key) == split {
                // Some users greet or announce the request first; the model must find the task anyway.
                if rng.chance(20) { instance.turns[0].user = rng.pick(Self.openers) + instance.turns[0].user }
                return instance
            }
        }
    }

    /// A task drawn by `weights` (one per `TaskType.allCases`, default `TaskType.weight`), then an instance
    /// of it (two turns with `twoTurnPercent`).
    public mutating func makeAny(twoTurnPercent: Int, weights: [Int] = TaskType.defaultWeights,
                                 _ rng: inout SynthRandom) -> TaskInstance {
        let task = TaskType.allCases[rng.weightedIndex(weights)]
        return make(task, twoTurn: rng.chance(twoTurnPercent), &rng)
    }

    /// `count` fresh names of this generator's split, different from each other (recorded like task names).
    public mutating func freshNames(_ count: Int, _ rng: inout SynthRandom) -> [String] {
        names.reset()
        return names.next(count, &rng)
    }

    /// Every name handed out since `recordNames()`, in first-use order.
    public var issuedNames: [String] { names.issued }

    /// Starts recording handed-out names in `issuedNames` (the data set writer records the held-out ones).
    public mutating func recordNames() { names.recordsIssued = true }

    /// Sentences a first request sometimes starts with.
    static let openers = ["Hi! ", "Hello. ", "Quick question. ", "One more task. ", "Help me with this. ", "Next one. "]

    static func draw(_ task: TaskType, twoTurn: Bool, names: inout NameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        switch task {
        case .arithmetic: ArithmeticTask.make(twoTurn: twoTurn, names: &names, &rng)
        case .counting: CountingTask.make(twoTurn: twoTurn, names: &names, &rng)
        case .sort: ListTasks.sort(twoTurn: twoTurn, names: &names, &rng)
        case .reverse: ListTasks.reverse(twoTurn: twoTurn, names: &names, &rng)
        case .dedupe: ListTasks.dedupe(twoTurn: twoTurn, names: &names, &rng)
        case .copy: CopyTask.make(twoTurn: twoTurn, names: &names, &rng)
        case .capitalise: CapitaliseTask.make(twoTurn: twoTurn, names: &names, &rng)
        case .cipher: CipherTask.make(twoTurn: twoTurn, names: &names, &rng)
        case .passageQA: PassageQATask.make(twoTurn: twoTurn, names: &names, &rng)
        }
    }
}
