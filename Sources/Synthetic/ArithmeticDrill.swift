extension ArithmeticTask {
    /// The forms a drill line takes: symbols mostly, words sometimes, as questions in the tasks do.
    static let drillSymbols: [Operation: [String]] = [
        .add: ["+", "+", "+", "plus"], .subtract: ["-", "-", "-", "minus"], .multiply: ["*", "x", "*", "times"],
    ]

    /// A pretraining document of 8 to 16 solved equations over the task's own operands ("17 + 25 = 42",
    /// "9 times 7 is 63"). The task's chats hold a few thousand sums in all, too few for a small model to
    /// learn carrying from; a drill line costs about ten tokens, so a few percent of pretraining documents
    /// multiply the number of worked sums several times over for a small share of the pretraining tokens.
    /// Only problems of `split` (by `DataSplit.of(taskKey:)`, like the task's chats), so that no held-out
    /// problem is solved in a training file.
    static func drill(split: DataSplit, _ rng: inout SynthRandom) -> String {
        (0..<rng.int(in: 8...16)).map { _ in
            var op: Operation, a: Int, b: Int
            repeat {
                op = rng.pick(Operation.allCases)
                (a, b) = operands(op, &rng)
            } while DataSplit.of(taskKey: key(op, a, b)) != split
            let symbol = rng.pick(drillSymbols[op]!)
            return "\(a) \(symbol) \(b) \(symbol.first!.isLetter ? "is" : "=") \(apply(op, a, b))"
        }.joined(separator: "\n")
    }
}
