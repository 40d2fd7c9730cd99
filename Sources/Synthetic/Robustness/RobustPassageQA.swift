/// Passage questions in new words: the passages of `PassageQATask` (descriptions, record cards, towns,
/// stories), peopled with robustness names, in new frames, with the questions about people, pets and
/// towns asked in new words (a story's questions, which the passage words around its events, and the
/// sibling question keep their wording).
enum RobustPassageQA: RobustTask {
    static let task = TaskType.passageQA

    static let frames: [RobustTemplate] = [
        "Here is a short text.\n\n{passage}\n\nBased on it: {question}",
        "{passage}\n\nUsing only the passage above, answer this: {question}",
        "Please read this carefully:\n{passage}\n\nNow tell me: {question}",
        "Passage:\n{passage}\n\nMy question is: {question}",
        "Look at this description:\n\n{passage}\n\nQuestion for you: {question}",
        "Consider the following.\n\n{passage}\n\n{question}",
    ]

    static let followUps: [RobustTemplate] = [
        "One more question about the same text: {question}",
        "Another question: {question}",
        "Still about that text: {question}",
    ]

    /// New wordings of the questions `DescriptionRenderer` asks, by the subject's leading words
    /// ("pet name Jowin" asks for "pet name" with {name} = "Jowin").
    static let questions: [(subject: String, templates: [RobustTemplate])] = [
        ("job", ["Which job does {name} have?", "What is {name}'s occupation?"]),
        ("town", ["Which town is home to {name}?", "Name the town where {name} lives."]),
        ("age", ["What age is {name}?", "How many years old is {name}?"]),
        ("color", ["{name} prefers which color?", "What color does {name} like most?"]),
        ("food", ["Which food does {name} enjoy?", "What food is {name} fond of?"]),
        ("pet name", ["Tell me the name of {name}'s pet.", "What name does {name}'s pet have?"]),
        ("pet kind", ["Which sort of animal is {name}?", "{name} is what kind of creature?"]),
        ("pet color", ["What is the color of {name}?", "What color is the animal called {name}?"]),
        ("friend", ["Which person is {name}'s friend?", "Name a friend of {name}."]),
        ("crop", ["Which crop is grown in {name}?", "What is farmed in {name}?"]),
        ("feature", ["What does {name} lie beside?", "Which landmark is {name} next to?"]),
    ]

    static var requests: [RobustTemplate] { frames + questions.flatMap(\.templates) }

    static func make(twoTurn: Bool, names: inout RobustNameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        let passage = PassageQATask.makePassage(names: &names, &rng)
        let asked = rng.sample(passage.questions, count: twoTurn && passage.questions.count > 1 ? 2 : 1)
        let first = ["passage": passage.text, "question": question(asked[0], &rng)]
        var turns = [TaskTurn(user: rng.render(frames, first), answer: asked[0].answer, check: asked[0].check)]
        if asked.count > 1 {
            turns.append(TaskTurn(user: rng.render(followUps, ["question": question(asked[1], &rng)]),
                                  answer: asked[1].answer, check: asked[1].check))
        }
        return TaskInstance(task: task, turns: turns, key: "qa \(passage.text) | \(asked[0].subject)")
    }

    /// `asked` in new words when its subject is one of `questions`, else as the passage asks it.
    static func question(_ asked: PassageQuestion, _ rng: inout SynthRandom) -> String {
        for (subject, templates) in questions where asked.subject.hasPrefix(subject + " ") {
            return rng.render(templates, ["name": String(asked.subject.dropFirst(subject.count + 1))])
        }
        return asked.question
    }
}
