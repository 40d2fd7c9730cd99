/// A question about a passage, with the answer the passage gives.
public struct PassageQuestion: Sendable, Equatable {
    public var question: String
    public var answer: String
    public var check: CheckKind
    /// What is asked about, for the held-out key ("age Lomi").
    public var subject: String
}

/// A short text with the questions it answers.
public struct Passage: Sendable, Equatable {
    public var text: String
    public var questions: [PassageQuestion]

    public init(text: String = "", questions: [PassageQuestion] = []) {
        self.text = text
        self.questions = questions
    }

    /// Appends a sentence, separated by a space.
    mutating func say(_ sentence: String) {
        if !text.isEmpty { text += " " }
        text += sentence
    }

    mutating func ask(_ question: String, _ answer: String, _ check: CheckKind = .caseless, about subject: String) {
        questions.append(PassageQuestion(question: question, answer: answer, check: check, subject: subject))
    }
}
