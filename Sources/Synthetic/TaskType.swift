import Tokenizers
/// The instruction tasks of the synthetic data set, each with answers a `TaskChecker` can verify.
public enum TaskType: String, Sendable, Codable, CaseIterable {
    /// Adding, subtracting and multiplying small numbers, bare or as word problems.
    case arithmetic
    /// Counting letters in a word, items in a list, or one item's repeats.
    case counting
    /// Sorting words alphabetically or numbers either way.
    case sort
    /// Reversing a list, or the letters of a word.
    case reverse
    /// Removing repeated items, keeping the first of each.
    case dedupe
    /// Repeating a text exactly.
    case copy
    /// Upper case, lower case, or a capital at the start of every word.
    case capitalise
    /// A simple pig latin, or shifting letters one place along the alphabet (and back).
    case cipher
    /// Answering a question from a short passage given in the prompt.
    case passageQA = "passage_qa"

    /// How often each task is drawn for the instruction set (passage questions and arithmetic are the
    /// headline tasks and the most varied, so they get more examples).
    public var weight: Int {
        switch self {
        case .arithmetic: 3
        case .passageQA: 4
        case .copy: 1
        default: 2
        }
    }

    /// Every task's `weight`, in `allCases` order (what `duet data synth` draws by without `--task-weight`).
    public static var defaultWeights: [Int] { allCases.map(\.weight) }
}

/// One user request and the model's reply.
public struct TaskTurn: Sendable, Equatable {
    /// What the user writes.
    public var user: String
    /// What the model answers in the instruction data.
    public var reply: String
    /// The answer a checker compares replies with (the reply's content in canonical form).
    public var answer: String
    public var check: CheckKind

    public init(user: String, answer: String, check: CheckKind, reply: String? = nil) {
        self.user = user
        self.answer = answer
        self.check = check
        self.reply = reply ?? answer
    }
}

/// A generated task example: one or two turns of chat.
public struct TaskInstance: Sendable, Equatable {
    public var task: TaskType
    /// One turn, or two where the second refers back to the first ("Now reverse that list.").
    public var turns: [TaskTurn]
    /// The content that determines the first turn's answer ("add 23 45"), whatever the wording: it
    /// decides the instance's `DataSplit`, so a held-out problem never appears in training data.
    public var key: String

    /// The whole chat: user, model, user, model, ...
    public var messages: [ChatMessage] {
        turns.flatMap { [ChatMessage(role: .user, content: $0.user), ChatMessage(role: .model, content: $0.reply)] }
    }

    /// The chat up to the last user message: what an evaluated model is given.
    public var prompt: [ChatMessage] { Array(messages.dropLast()) }

    /// The turn an evaluation scores.
    public var finalTurn: TaskTurn { turns[turns.count - 1] }
}
