/// Repeating a text exactly; the follow-up asks for it in capital letters.
enum CopyTask {
    static func make(twoTurn: Bool, names: inout NameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        let text = Phrases.any(names: &names, &rng)
        let fixed = rng.pick(["Repeat this exactly: \(text)", "Copy this: \(text)", "Say this back to me: \(text)",
                              "Write exactly this: \(text)", "Repeat after me: \(text)", "Repeat: \(text)",
                              "Copy exactly: \(text)", "Say exactly this: \(text)"])
        let phrasing = TextPhrasings.copy(&rng)
        let user = rng.chance(RequestGrammar.percent) ? RequestGrammar.request(phrasing, content: text, &rng) : fixed
        var turns = [TaskTurn(user: user, answer: text, check: .exact)]
        if twoTurn {
            let fixedFollowUp = rng.pick(["Now write it in capital letters.", "Now say it again in upper case."])
            let followUp = rng.chance(RequestGrammar.percent)
                ? RequestGrammar.request(TextPhrasings.caseFollowUp(.upper), &rng) : fixedFollowUp
            turns.append(TaskTurn(user: followUp, answer: text.uppercased(), check: .exact))
        }
        return TaskInstance(task: .copy, turns: turns, key: "copy \(text)")
    }
}
