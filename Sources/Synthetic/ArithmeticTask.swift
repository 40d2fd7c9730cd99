/// Addition and subtraction of one- and two-digit numbers, multiplication up to 12 x 12, bare
/// ("What is 23 + 45?") or as word problems about a person; the follow-up works on the result.
enum ArithmeticTask {
    enum Operation: String, CaseIterable { case add, subtract, multiply }

    static func make(twoTurn: Bool, names: inout NameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        let op = rng.pick(Operation.allCases)
        let (a, b) = operands(op, &rng)
        let result = apply(op, a, b)
        let user: String
        if rng.chance(30) {
            user = wordProblem(op, a, b, name: names.next(&rng), &rng)
        } else if rng.chance(RequestGrammar.percent) {
            let phrasing = NumberPhrasings.arithmetic(op, a, b, &rng)
            user = RequestGrammar.render(phrasing, &rng)
        } else {
            user = bare(op, a, b, &rng)
        }
        var turns = [TaskTurn(user: user, answer: String(result), check: .number)]
        if twoTurn {
            let (next, k) = followUpStep(after: result, &rng)
            var followUp: String
            switch next {
            case .add: followUp = rng.pick(["Now add \(k) to that.", "What is that plus \(k)?", "And if you add \(k)?"])
            case .subtract: followUp = rng.pick(["Now subtract \(k) from that.", "What is that minus \(k)?",
                                                 "And if you take away \(k)?"])
            case .multiply: followUp = rng.pick(["Now multiply that by \(k).", "What is that times \(k)?",
                                                 "And if you multiply it by \(k)?"])
            }
            if rng.chance(RequestGrammar.percent) {
                let phrasing = NumberPhrasings.followUp(next, k, &rng)
                followUp = RequestGrammar.render(phrasing, &rng)
            }
            turns.append(TaskTurn(user: followUp, answer: String(apply(next, result, k)), check: .number))
        }
        return TaskInstance(task: .arithmetic, turns: turns, key: key(op, a, b))
    }

    /// The operation and operand of a follow-up on `result`.
    static func followUpStep(after result: Int, _ rng: inout SynthRandom) -> (Operation, Int) {
        var next = rng.pick(Operation.allCases)
        if next == .subtract && result < 1 { next = .add }  // keep every answer non-negative
        if next == .multiply && result > 25 { next = .add }  // and small
        let k = next == .multiply ? rng.int(in: 2...5) : rng.int(in: 1...(next == .subtract ? min(result, 20) : 20))
        return (next, k)
    }

    /// Small operands: both one-digit often, two-digit otherwise; no negative differences.
    static func operands(_ op: Operation, _ rng: inout SynthRandom) -> (Int, Int) {
        switch op {
        case .add:
            return rng.chance(40) ? (rng.int(in: 0...9), rng.int(in: 0...9)) : (rng.int(in: 0...99), rng.int(in: 0...99))
        case .subtract:
            let a = rng.chance(40) ? rng.int(in: 0...18) : rng.int(in: 0...99)
            return (a, rng.int(in: 0...a))
        case .multiply:
            return (rng.int(in: 0...12), rng.int(in: 0...12))
        }
    }

    /// The problem's content key, which decides its `DataSplit`.
    static func key(_ op: Operation, _ a: Int, _ b: Int) -> String { "\(op.rawValue) \(a) \(b)" }

    static func apply(_ op: Operation, _ a: Int, _ b: Int) -> Int {
        switch op {
        case .add: a + b
        case .subtract: a - b
        case .multiply: a * b
        }
    }

    static func bare(_ op: Operation, _ a: Int, _ b: Int, _ rng: inout SynthRandom) -> String {
        switch op {
        case .add:
            rng.pick(["What is \(a) + \(b)?", "What is \(a) plus \(b)?", "Add \(a) and \(b).", "Calculate \(a) + \(b).",
                      "\(a) + \(b) = ?", "What is the sum of \(a) and \(b)?", "How much is \(a) + \(b)?", "\(a) + \(b)",
                      "Find \(a) plus \(b).", "What's \(a) + \(b)?", "Add up \(a) and \(b)."])
        case .subtract:
            rng.pick(["What is \(a) - \(b)?", "What is \(a) minus \(b)?", "Subtract \(b) from \(a).",
                      "Calculate \(a) - \(b).", "\(a) - \(b) = ?", "Take \(b) away from \(a). What is left?",
                      "How much is \(a) - \(b)?", "\(a) - \(b)", "Find \(a) minus \(b).", "What's \(a) - \(b)?",
                      "What is the difference between \(a) and \(b)?"])
        case .multiply:
            rng.pick(["What is \(a) * \(b)?", "What is \(a) times \(b)?", "Multiply \(a) by \(b).",
                      "Calculate \(a) * \(b).", "\(a) * \(b) = ?", "What is the product of \(a) and \(b)?",
                      "How much is \(a) times \(b)?", "\(a) * \(b)", "\(a) x \(b) = ?", "What's \(a) * \(b)?",
                      "Find \(a) times \(b)."])
        }
    }

    static func wordProblem(_ op: Operation, _ a: Int, _ b: Int, name: String, _ rng: inout SynthRandom) -> String {
        let noun = rng.chance(50) ? rng.pick(Lexicon.fruits) : rng.pick(Lexicon.objects)
        let he = rng.chance(50) ? Pronouns.he : Pronouns.she
        switch op {
        case .add:
            return rng.pick([
                "\(name) has \(noun.counted(a)). \(he.Subject) gets \(b) more. How many \(noun.plural) does \(name) have now?",
                "\(name) had \(noun.counted(a)) and found \(b) more. How many \(noun.plural) does \(name) have?",
            ])
        case .subtract:
            return rng.pick([
                "\(name) has \(noun.counted(a)). \(he.Subject) gives \(b) away. How many \(noun.plural) does \(name) have left?",
                "\(name) had \(noun.counted(a)) and lost \(b). How many \(noun.plural) are left?",
            ])
        case .multiply:
            return "\(name) has \(Noun("bag").counted(a)). Each bag holds \(noun.counted(b)). "
                + "How many \(noun.plural) are there in all?"
        }
    }
}
