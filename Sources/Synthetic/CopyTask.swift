/// Repeating a text exactly; the follow-up asks for it in capital letters.
enum CopyTask {
    static func make(twoTurn: Bool, names: inout NameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        let text = Phrases.any(names: &names, &rng)
        var turns = [TaskTurn(user: rng.pick(["Repeat this exactly: \(text)", "Copy this: \(text)",
                                              "Say this back to me: \(text)", "Write exactly this: \(text)",
                                              "Repeat after me: \(text)", "Repeat: \(text)", "Copy exactly: \(text)",
                                              "Say exactly this: \(text)"]),
                              answer: text, check: .exact)]
        if twoTurn {
            turns.append(TaskTurn(user: rng.pick(["Now write it in capital letters.", "Now say it again in upper case."]),
                                  answer: text.uppercased(), check: .exact))
        }
        return TaskInstance(task: .copy, turns: turns, key: "copy \(text)")
    }
}
