/// Changing case: a capital at the start of every word, all capitals, or all small letters.
enum CapitaliseTask {
    enum Mode: String, CaseIterable { case title, upper, lower }

    static func make(twoTurn: Bool, names: inout NameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        let mode = rng.pick(Mode.allCases)
        let base = rng.chance(50) ? Phrases.lowercaseWords(max: 5, names: &names, &rng) : Phrases.lowercaseSentence(&rng)
        var user: String, answer: String
        var shown = base  // the text the request shows
        switch mode {
        case .title:
            answer = TextTransforms.titleCase(base)
            user = rng.pick(["Capitalise each word: \(base)", "Make the first letter of every word a capital: \(base)",
                             "Write this with a capital at the start of each word: \(base)", "Title case: \(base)",
                             "Capitalize every word: \(base)"])
        case .upper:
            answer = base.uppercased()
            user = rng.pick(["Write this in capital letters: \(base)", "Write this in upper case: \(base)",
                             "Make every letter a capital: \(base)", "Capital letters: \(base)", "All caps: \(base)",
                             "Write in uppercase: \(base)"])
        case .lower:
            let input = rng.chance(50) ? base.uppercased() : TextTransforms.titleCase(base)
            shown = input
            answer = base
            user = rng.pick(["Write this in small letters: \(input)", "Write this in lower case: \(input)",
                             "Lower case: \(input)", "Write in lowercase: \(input)", "No capitals, please: \(input)"])
        }
        if rng.chance(RequestGrammar.percent) {
            let phrasing: [[String]] = switch mode {
            case .title: TextPhrasings.title(&rng)
            case .upper: TextPhrasings.upper(&rng)
            case .lower: TextPhrasings.lower(&rng)
            }
            user = RequestGrammar.request(phrasing, content: shown, &rng)
        }
        var turns = [TaskTurn(user: user, answer: answer, check: .exact)]
        if twoTurn {
            let grammar = rng.chance(RequestGrammar.percent)
            if mode == .lower {
                let fixed = rng.pick(["Now capitalise each word.", "Now give every word a capital."])
                turns.append(TaskTurn(user: grammar ? RequestGrammar.request(TextPhrasings.caseFollowUp(.title), &rng) : fixed,
                                      answer: TextTransforms.titleCase(base), check: .exact))
            } else {
                let fixed = rng.pick(["Now write it all in small letters.", "Now write it in lower case."])
                turns.append(TaskTurn(user: grammar ? RequestGrammar.request(TextPhrasings.caseFollowUp(.lower), &rng) : fixed,
                                      answer: base, check: .exact))
            }
        }
        return TaskInstance(task: .capitalise, turns: turns, key: "case \(mode.rawValue) \(base)")
    }
}
