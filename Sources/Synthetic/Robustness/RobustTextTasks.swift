/// Copying in new words, of robustness texts; the follow-up asks for capitals, as in training.
enum RobustCopy: RobustTask {
    static let task = TaskType.copy

    static let requests: [RobustTemplate] = [
        "Echo the following text: {text}",
        "Type this out word for word: {text}",
        "Please reproduce this exactly as written: {text}",
        "Could you write back exactly what follows? {text}",
        "Return this text unchanged: {text}",
        "Duplicate this text exactly: {text}",
    ]

    static let followUps: [RobustTemplate] = [
        "Again, but all in capitals.", "Now shout it: capital letters only.", "Same again in uppercase, please.",
    ]

    static func make(twoTurn: Bool, names: inout RobustNameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        let text = RobustPhrases.any(names: &names, &rng)
        var turns = [TaskTurn(user: rng.render(requests, ["text": text]), answer: text, check: .exact)]
        if twoTurn { turns.append(TaskTurn(user: rng.render(followUps, [:]), answer: text.uppercased(), check: .exact)) }
        return TaskInstance(task: task, turns: turns, key: "copy \(text)")
    }
}

/// Changing case in new words: title case, all capitals or all small letters, of robustness texts.
enum RobustCapitalise: RobustTask {
    typealias Mode = CapitaliseTask.Mode

    static let task = TaskType.capitalise

    static let title: [RobustTemplate] = [
        "Give every word an initial capital: {text}",
        "Start each word with an uppercase letter: {text}",
        "Could you put this in title case? {text}",
        "Begin every word with a capital letter: {text}",
    ]

    static let upper: [RobustTemplate] = [
        "Convert to capital letters: {text}",
        "Uppercase this: {text}",
        "Could you turn this into all uppercase? {text}",
        "Make this shout in capitals: {text}",
    ]

    static let lower: [RobustTemplate] = [
        "Convert to small letters: {text}",
        "Lowercase this: {text}",
        "Could you turn this into all lowercase? {text}",
        "Remove every capital from this: {text}",
    ]

    /// After small letters: capitalise each word.
    static let titleFollowUps: [RobustTemplate] = [
        "Now give each word an initial capital.", "Next, start every word with a capital.", "Title case it now, please.",
    ]

    /// After title case or capitals: all small letters.
    static let lowerFollowUps: [RobustTemplate] = [
        "Now make it all lowercase.", "Next, remove all the capitals.", "Now put every letter in small type.",
    ]

    static var requests: [RobustTemplate] { title + upper + lower }
    static var followUps: [RobustTemplate] { titleFollowUps + lowerFollowUps }

    static func make(twoTurn: Bool, names: inout RobustNameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        let mode = rng.pick(Mode.allCases)
        let base = rng.chance(50) ? RobustPhrases.lowercaseWords(max: 5, &rng) : RobustPhrases.lowercaseSentence(&rng)
        // What the request shows, its templates and its answer, as in `CapitaliseTask`: the lower-case
        // request shows the text in capitals or title case.
        let (shown, templates, answer): (String, [RobustTemplate], String) = switch mode {
        case .title: (base, title, TextTransforms.titleCase(base))
        case .upper: (base, upper, base.uppercased())
        case .lower: (rng.chance(50) ? base.uppercased() : TextTransforms.titleCase(base), lower, base)
        }
        var turns = [TaskTurn(user: rng.render(templates, ["text": shown]), answer: answer, check: .exact)]
        if twoTurn {
            // After small letters a capital for every word; after either of the others small letters.
            let (followUps, next) = mode == .lower ? (titleFollowUps, TextTransforms.titleCase(base)) : (lowerFollowUps, base)
            turns.append(TaskTurn(user: rng.render(followUps, [:]), answer: next, check: .exact))
        }
        return TaskInstance(task: task, turns: turns, key: "case \(mode.rawValue) \(base)")
    }
}

/// The two ciphers in new words (pig latin and a shift by one, either way, by the rules of
/// `TextTransforms`), over robustness words; the follow-up undoes the step.
enum RobustCipher: RobustTask {
    typealias Mode = CipherTask.Mode

    static let task = TaskType.cipher

    static let pigLatin: [RobustTemplate] = [
        "Put this into pig latin, please: {text}",
        "Convert the following to pig latin: {text}",
        "Could you encode this in pig latin? {text}",
        "How would this read in pig latin? {text}",
        "Take each word, move its first letter to the back, then append ay: {text}",
    ]

    static let fromPigLatin: [RobustTemplate] = [
        "This is in pig latin, please decode it: {text}",
        "Translate this pig latin into plain words: {text}",
        "What does this pig latin say? {text}",
        "Convert from pig latin to normal words: {text}",
    ]

    static let shift: [RobustTemplate] = [
        "Replace every letter with the one after it in the alphabet: {text}",
        "Apply a one-letter forward shift to this: {text}",
        "Encode this with a shift of one (a becomes b): {text}",
        "Move each letter up by one in the alphabet: {text}",
    ]

    static let unshift: [RobustTemplate] = [
        "Replace every letter with the one before it in the alphabet: {text}",
        "Undo a shift of one on this text (b becomes a): {text}",
        "Move each letter down by one in the alphabet: {text}",
        "This was shifted one letter forward; decode it: {text}",
    ]

    /// The follow-ups undoing `mode`.
    static func undo(_ mode: Mode) -> [RobustTemplate] {
        switch mode {
        case .pigLatin: ["Now undo the pig latin.", "Convert that back to plain words.", "Now read it back in plain words."]
        case .fromPigLatin: ["Now put it back into pig latin.", "Encode that in pig latin once more.",
                             "Pig latin it again, please."]
        case .shift: ["Now undo the shift.", "Shift that back by one letter.", "Move every letter back one place again."]
        case .unshift: ["Now redo the shift.", "Shift that forward by one letter.",
                        "Move every letter forward one place again."]
        }
    }

    static var requests: [RobustTemplate] { pigLatin + fromPigLatin + shift + unshift }
    static var followUps: [RobustTemplate] { Mode.allCases.flatMap(undo) }

    static func make(twoTurn: Bool, names: inout RobustNameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        let mode = rng.pick(Mode.allCases)
        let plain = RobustPhrases.lowercaseWords(max: 4, &rng)
        // What the request shows, its templates, and its answer; the follow-up turns the answer back
        // into what the request showed.
        let (shown, templates, answer): (String, [RobustTemplate], String) = switch mode {
        case .pigLatin: (plain, pigLatin, TextTransforms.pigLatin(plain))
        case .fromPigLatin: (TextTransforms.pigLatin(plain), fromPigLatin, plain)
        case .shift: (plain, shift, TextTransforms.shift(plain, by: 1))
        case .unshift: (TextTransforms.shift(plain, by: 1), unshift, plain)
        }
        var turns = [TaskTurn(user: rng.render(templates, ["text": shown]), answer: answer, check: .exact)]
        if twoTurn { turns.append(TaskTurn(user: rng.render(undo(mode), [:]), answer: shown, check: .exact)) }
        return TaskInstance(task: task, turns: turns, key: "cipher \(mode.rawValue) \(plain)")
    }
}
