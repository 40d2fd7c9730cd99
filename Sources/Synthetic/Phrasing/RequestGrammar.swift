import Foundation

/// Many ways of asking for the same thing, composed from parts: how a request opens (a plain order, a
/// polite word, a question), the instruction itself (a verb, what it acts on, how), and where the
/// content goes (after a colon, on its own line, before the instruction).
///
/// The fixed training templates give a model a handful of wordings per task, and it learns those
/// wordings rather than the tasks (issue 20: 4% on copy requests worded otherwise). Drawn from this
/// grammar, a request has thousands of wordings per task, so the words that name the task (a verb, an
/// operation) carry it, not the sentence they sit in.
///
/// The robustness set stays held out: a request that contains any of its fixed wordings (12 characters
/// or more, case ignored, the test's own criterion) is drawn again.
enum RequestGrammar {
    /// A request for an instruction acting on `content` ("reverse the order of these"), in one of many frames.
    /// The instruction is `parts` composed: lowercase imperative without final punctuation.
    static func request(_ parts: [[String]], content: String, _ rng: inout SynthRandom) -> String {
        heldOutFree(&rng) { rng in
            let instruction = compose(parts, &rng)
            switch rng.below(12) {
            case 0: return "\(capitalised(instruction)): \(content)"
            case 1: return "\(opened(rng.pick(politeOpeners), instruction)): \(content)"
            case 2: return "\(opened(rng.pick(questionOpeners), instruction))? \(content)"
            case 3: return "\(opened(rng.pick(wishOpeners), instruction)): \(content)"
            case 4: return "\(content)\n\n\(capitalised(instruction))."
            case 5: return "\(capitalised(instruction)).\n\(content)"
            case 6: return "\(capitalised(instruction)), please: \(content)"
            case 7: return "\(opened(rng.pick(questionOpeners), instruction))?\n\n\(content)"
            case 8: return "Task: \(instruction).\nInput: \(content)"
            case 9: return "\(opened(rng.pick(politeOpeners), instruction)).\n\n\(content)"
            case 10: return "\(content)\n\(opened(rng.pick(questionOpeners), instruction))?"
            default: return "\(rng.pick(greetings))\(capitalised(instruction)): \(content)"
            }
        }
    }

    /// A request without separate content (the content is inside the instruction: "spell lomi backwards").
    static func request(_ parts: [[String]], _ rng: inout SynthRandom) -> String {
        heldOutFree(&rng) { rng in
            let instruction = compose(parts, &rng)
            return switch rng.below(5) {
            case 0, 1: "\(capitalised(instruction))."
            case 2: "\(opened(rng.pick(politeOpeners), instruction))."
            case 3: "\(opened(rng.pick(questionOpeners), instruction))?"
            default: "\(opened(rng.pick(wishOpeners), instruction))."
            }
        }
    }

    /// A question ("what is 3 plus 4") as a user would type it: a bare question, polite, or as an order.
    /// The question is `parts` composed: lowercase without its question mark.
    static func question(_ parts: [[String]], _ rng: inout SynthRandom) -> String {
        heldOutFree(&rng) { rng in
            let question = compose(parts, &rng)
            return switch rng.below(6) {
            case 0, 1, 2: "\(capitalised(question))?"
            case 3: "\(rng.pick(greetings))\(capitalised(question))?"
            case 4: "\(rng.pick(["Quick one: ", "Question: ", "Tell me: ", "Answer this: ", "So, "]))\(question)?"
            default: "\(capitalised(question))? Just the answer, please."
            }
        }
    }

    /// A question about `content` ("how many items are in this list"), the content after or before it.
    static func question(_ parts: [[String]], content: String, _ rng: inout SynthRandom) -> String {
        heldOutFree(&rng) { rng in
            let question = compose(parts, &rng)
            return switch rng.below(5) {
            case 0, 1: "\(capitalised(question))? \(content)"
            case 2: "\(capitalised(question))?\n\(content)"
            case 3: "\(content)\n\n\(capitalised(question))?"
            default: "\(rng.pick(greetings))\(capitalised(question)): \(content)"
            }
        }
    }

    /// `phrasing` as a question or an order, about `content` if there is one.
    static func render(_ phrasing: (form: [[String]], isQuestion: Bool), content: String? = nil,
                       _ rng: inout SynthRandom) -> String {
        switch (phrasing.isQuestion, content) {
        case (true, nil): question(phrasing.form, &rng)
        case let (true, content?): question(phrasing.form, content: content, &rng)
        case (false, nil): request(phrasing.form, &rng)
        case let (false, content?): request(phrasing.form, content: content, &rng)
        }
    }

    /// How often a task's request is drawn from this grammar rather than from the task's few fixed
    /// templates (percent).
    static let percent = 60

    /// `parts` joined, one alternative drawn from each ("repeat" + " this" + " exactly").
    static func compose(_ parts: [[String]], _ rng: inout SynthRandom) -> String {
        parts.map { rng.pick($0) }.joined()
    }

    static let politeOpeners = ["Please ", "Kindly ", "Now please ", "Go ahead and ", "Just ", "Help me out and ",
                                "Please would you ", "Next, please "]
    static let questionOpeners = ["Can you ", "Could you ", "Would you ", "Will you ", "Can you please ",
                                  "Could you please ", "Would you mind if I asked you to "]
    static let wishOpeners = ["I want you to ", "I'd like you to ", "I need you to ", "Your task is to ",
                              "I would like you to ", "The job is to "]
    static let greetings = ["Hi! ", "Hello. ", "Hey. ", "Okay. ", "Next task. ", "Good morning! "]

    /// Words a follow-up may start with ("now sort it", "next, reverse that").
    static let sequenceWords = ["now ", "next, ", "then "]

    /// `opener` before `instruction`; a follow-up's sequence word goes first ("Now, could you sort it",
    /// not "Could you now sort it" or "Next, please next, sort it").
    static func opened(_ opener: String, _ instruction: String) -> String {
        guard let word = sequenceWords.first(where: { instruction.hasPrefix($0) }) else { return opener + instruction }
        let lead = capitalised(word.trimmingCharacters(in: CharacterSet(charactersIn: ", "))) + ", "
        let rest = String(instruction.dropFirst(word.count))
        let openerAfterLead = opener.hasPrefix("Now ") ? String(opener.dropFirst(4)) : opener
        return lead + openerAfterLead.prefix(1).lowercased() + openerAfterLead.dropFirst() + rest
    }

    static func capitalised(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    /// `draw`'s result, drawn again while it contains a fixed wording of the robustness set. A grammar
    /// that cannot avoid one is a bug in its parts, so that stops the program.
    static func heldOutFree(_ rng: inout SynthRandom, _ draw: (inout SynthRandom) -> String) -> String {
        for _ in 0..<1000 {
            let text = draw(&rng)
            if !containsHeldOutWording(text) { return text }
        }
        preconditionFailure("every draw contains a robustness wording")
    }

    /// Whether `text` contains a fixed wording of the robustness set, compared by words only (case and
    /// punctuation ignored), so that "Can you flip the order of these?" counts as the held-out
    /// "Flip the order of these: {list}".
    static func containsHeldOutWording(_ text: String) -> Bool {
        (" " + wordsOnly(text) + " ").withCString { words in
            heldOutWordings.contains { wording in wording.withUnsafeBufferPointer { strstr(words, $0.baseAddress!) != nil } }
        }
    }

    /// Lowercase letters, digits and apostrophes, every other run of characters one space.
    static func wordsOnly(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "'") }).joined(separator: " ")
    }

    /// The robustness set's fixed wordings of 12 characters or more, as `wordsOnly`, with spaces around:
    /// a wording matches whole words only.
    /// C strings, for `strstr` (this check runs for every generated request).
    static let heldOutWordings: [[CChar]] = {
        var wordings: [[CChar]] = []
        for task in TaskType.allCases {
            let phrasings = RobustnessSet.phrasings(for: task)
            for template in phrasings.requests + phrasings.followUps {
                for literal in template.literals where literal.count >= 12 {
                    let words: String = " " + wordsOnly(literal) + " "
                    if words.count >= 12 { wordings.append(Array(words.utf8CString)) }
                }
            }
        }
        return wordings
    }()
}
