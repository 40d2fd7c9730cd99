/// Two simple ciphers over lowercase words: Duet's pig latin (first letter to the end, then "ay") and
/// a shift of every letter one place along the alphabet; either way, or back, with "undo" follow-ups.
enum CipherTask {
    enum Mode: String, CaseIterable { case pigLatin, fromPigLatin, shift, unshift }

    static func make(twoTurn: Bool, names: inout NameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        let mode = rng.pick(Mode.allCases)
        let plain = Phrases.lowercaseWords(max: 4, names: &names, &rng)
        var user: String, answer: String, undo: String, undoAnswer: String
        var shown = plain  // the text the request shows
        switch mode {
        case .pigLatin:
            answer = TextTransforms.pigLatin(plain)
            user = rng.pick(["Turn this into pig latin: \(plain)", "Say this in pig latin: \(plain)", "Pig latin: \(plain)",
                             "Move the first letter of each word to the end and add ay: \(plain)"])
            (undo, undoAnswer) = ("Now turn it back.", plain)
        case .fromPigLatin:
            let coded = TextTransforms.pigLatin(plain)
            shown = coded
            answer = plain
            user = rng.pick(["Turn this pig latin back into words: \(coded)", "Decode this pig latin: \(coded)",
                             "Undo the pig latin: \(coded)"])
            (undo, undoAnswer) = ("Now turn it into pig latin again.", coded)
        case .shift:
            answer = TextTransforms.shift(plain, by: 1)
            user = rng.pick(["Shift each letter one place forward in the alphabet: \(plain)",
                             "Encode this by moving every letter one step forward: \(plain)",
                             "Shift every letter forward by one: \(plain)", "Apply a shift of +1 to each letter: \(plain)"])
            (undo, undoAnswer) = ("Now shift it back.", plain)
        case .unshift:
            let coded = TextTransforms.shift(plain, by: 1)
            shown = coded
            answer = plain
            user = rng.pick(["Shift each letter one place back in the alphabet: \(coded)",
                             "Decode this by moving every letter one step back: \(coded)",
                             "Shift every letter back by one: \(coded)", "Apply a shift of -1 to each letter: \(coded)"])
            (undo, undoAnswer) = ("Now shift it forward again.", coded)
        }
        if rng.chance(RequestGrammar.percent) {
            let phrasing: [[String]] = switch mode {
            case .pigLatin: TextPhrasings.pigLatin(&rng)
            case .fromPigLatin: TextPhrasings.fromPigLatin(&rng)
            case .shift: TextPhrasings.shift(forward: true, &rng)
            case .unshift: TextPhrasings.shift(forward: false, &rng)
            }
            user = RequestGrammar.request(phrasing, content: shown, &rng)
        }
        var turns = [TaskTurn(user: user, answer: answer, check: .exact)]
        if twoTurn { turns.append(TaskTurn(user: undo, answer: undoAnswer, check: .exact)) }
        return TaskInstance(task: .cipher, turns: turns, key: "cipher \(mode.rawValue) \(plain)")
    }
}
