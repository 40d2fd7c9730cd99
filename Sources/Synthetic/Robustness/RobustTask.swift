/// The generator of one task kind's robustness items, with its phrasings as data.
///
/// Each kind asks for the same thing as its training task and answers in the same form (the same
/// `CheckKind`, lists joined by `TextTransforms.joinList`, numbers as digits), and keys its items the
/// same way, so that a model trained on the training data can answer if it generalises and the
/// held-out divide (`DataSplit`) applies to the robustness items too.
protocol RobustTask {
    static var task: TaskType { get }
    /// The phrasings of a first request.
    static var requests: [RobustTemplate] { get }
    /// The phrasings of a follow-up turn.
    static var followUps: [RobustTemplate] { get }
    /// A random item, with a follow-up turn if `twoTurn`.
    static func make(twoTurn: Bool, names: inout RobustNameGenerator, _ rng: inout SynthRandom) -> TaskInstance
}

extension DataSplit {
    /// The value of the first draw whose problem key is held out. The training generator never makes a
    /// held-out problem, so a robustness problem it could also make (a sum, a list of numbers) is drawn
    /// this way to be new to the training data in any wording.
    static func heldOut<T>(_ draw: () -> (value: T, key: String)) -> T {
        while true {
            let (value, key) = draw()
            if of(taskKey: key) == .heldOut { return value }
        }
    }
}
