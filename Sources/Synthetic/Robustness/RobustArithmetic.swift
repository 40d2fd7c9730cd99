/// Sums, differences and products in new words, over the trained ranges (the operands and follow-up
/// steps of `ArithmeticTask`: sums and differences of 0...99 with no negative result, products up to
/// 12 x 12), bare or as word problems about robustness names and things.
enum RobustArithmetic: RobustTask {
    typealias Operation = ArithmeticTask.Operation

    static let task = TaskType.arithmetic

    static let add: [RobustTemplate] = [
        "Could you tell me what {a} plus {b} is?",
        "I need the total of {a} and {b}.",
        "{a} added to {b} gives what?",
        "Please work out {a} plus {b} for me.",
        "If I put {a} and {b} together, how much do I have?",
        "Tell me the result of adding {a} and {b}.",
        "{name} owns {some}, then buys another {b}. Altogether, how many {things} is that?",
    ]

    static let subtract: [RobustTemplate] = [
        "Could you tell me what {a} minus {b} comes to?",
        "Start with {a} and remove {b}. What remains?",
        "Please deduct {b} from {a}.",
        "{a} less {b} equals what?",
        "Work out {a} minus {b} for me.",
        "What remains when you subtract {b} from {a}?",
        "{name} had {some} but sold {b} of them. How many {things} remain?",
    ]

    static let multiply: [RobustTemplate] = [
        "Work out {a} times {b} for me.",
        "What do you get when you multiply {a} by {b}?",
        "Could you tell me what {a} multiplied by {b} is?",
        "{a} groups of {b} make how many?",
        "Please compute {a} multiplied by {b}.",
        "I need {a} lots of {b}. How many is that?",
        "{name} fills {crates} with {each} apiece. How many {things} is that in total?",
    ]

    static let addFollowUps: [RobustTemplate] = [
        "Add {k} more to the result.", "What if you then add {k}?", "Increase that by {k}.",
    ]

    static let subtractFollowUps: [RobustTemplate] = [
        "Take {k} off the result.", "Reduce that by {k}.", "What is left after removing {k} from it?",
    ]

    static let multiplyFollowUps: [RobustTemplate] = [
        "Multiply the result by {k}.", "What is {k} times that?", "Take that result and multiply it by {k}.",
    ]

    static var requests: [RobustTemplate] { add + subtract + multiply }
    static var followUps: [RobustTemplate] { addFollowUps + subtractFollowUps + multiplyFollowUps }

    static func make(twoTurn: Bool, names: inout RobustNameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        let op = rng.pick(Operation.allCases)
        let (a, b) = DataSplit.heldOut { () -> ((Int, Int), key: String) in
            let (a, b) = ArithmeticTask.operands(op, &rng)
            return ((a, b), key(op, a, b))
        }
        let result = ArithmeticTask.apply(op, a, b)
        let thing = rng.pick(RobustWords.countables)
        // Every slot gets a value; a bare phrasing ignores the word problem's.
        let values = ["a": String(a), "b": String(b), "name": names.next(&rng), "some": thing.counted(a),
                      "things": thing.plural, "crates": Noun("crate").counted(a), "each": thing.counted(b)]
        let requests = switch op {
        case .add: add
        case .subtract: subtract
        case .multiply: multiply
        }
        var turns = [TaskTurn(user: rng.render(requests, values), answer: String(result), check: .number)]
        if twoTurn {
            let (next, k) = ArithmeticTask.followUpStep(after: result, &rng)
            let followUps = switch next {
            case .add: addFollowUps
            case .subtract: subtractFollowUps
            case .multiply: multiplyFollowUps
            }
            turns.append(TaskTurn(user: rng.render(followUps, ["k": String(k)]),
                                  answer: String(ArithmeticTask.apply(next, result, k)), check: .number))
        }
        return TaskInstance(task: task, turns: turns, key: key(op, a, b))
    }

    /// The training task's key of a problem ("add 23 45").
    static func key(_ op: Operation, _ a: Int, _ b: Int) -> String { "\(op.rawValue) \(a) \(b)" }
}
