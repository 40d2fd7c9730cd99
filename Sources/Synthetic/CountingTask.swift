/// Counting letters in a word, the letters of a word, the items of a list, or the repeats of one item.
enum CountingTask {
    static func make(twoTurn: Bool, names: inout NameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        rng.chance(50) ? word(twoTurn: twoTurn, names: &names, &rng) : list(twoTurn: twoTurn, &rng)
    }

    static let letters = Array("abcdefghijklmnopqrstuvwxyz")

    /// A letter of the word most of the time, any letter otherwise (so zero is a possible answer).
    static func letter(in word: String, _ rng: inout SynthRandom) -> Character {
        rng.chance(75) ? rng.pick(Array(word.lowercased())) : rng.pick(letters)
    }

    static func word(twoTurn: Bool, names: inout NameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        let w = rng.chance(25) ? names.next(&rng)
            : rng.chance(50) ? rng.pick(Lexicon.listWords + Lexicon.foods + Lexicon.jobs)
            : rng.chance(50) ? names.pseudoWord(&rng) : names.letterString(&rng)
        var turns: [TaskTurn] = []
        let key: String
        if rng.chance(30) {
            key = "length \(w)"
            var user = rng.pick(["How many letters are in the word \(w)?", "How long is the word \(w)?",
                                 "Count the letters in \(w).", "How many letters does \(w) have?", "Number of letters in \(w)?"])
            if rng.chance(RequestGrammar.percent) { user = RequestGrammar.render(NumberPhrasings.letterCount(w, &rng), &rng) }
            turns.append(TaskTurn(user: user, answer: String(w.count), check: .number))
        } else {
            let l = letter(in: w, &rng)
            key = "letter \(l) \(w)"
            var user = rng.pick(["How many times does the letter \(l) appear in the word \(w)?", "Count the letter \(l) in \(w).",
                                 "How many \(l)'s are in \(w)?", "How often does \(l) occur in \(w)?", "Count the \(l)s in \(w)."])
            if rng.chance(RequestGrammar.percent) { user = RequestGrammar.render(NumberPhrasings.letterOccurrences(l, w, &rng), &rng) }
            turns.append(TaskTurn(user: user, answer: String(TextTransforms.count(letter: l, in: w)), check: .number))
        }
        if twoTurn {
            var l = letter(in: w, &rng)
            if key == "letter \(l) \(w)" { l = letter(in: w, &rng) }  // usually a different letter the second time
            turns.append(TaskTurn(user: rng.pick(["And how many times does the letter \(l) appear in it?",
                                                  "Now count the letter \(l) in the same word."]),
                                  answer: String(TextTransforms.count(letter: l, in: w)), check: .number))
        }
        return TaskInstance(task: .counting, turns: turns, key: key)
    }

    static func list(twoTurn: Bool, _ rng: inout SynthRandom) -> TaskInstance {
        let pool = rng.sample(Lexicon.listWords, count: rng.int(in: 2...4))
        let items = (0..<rng.int(in: 2...8)).map { _ in rng.pick(pool) }
        let text = TextTransforms.joinList(items)
        var turns: [TaskTurn] = []
        let key: String
        if rng.chance(50) {
            key = "items \(text)"
            var user = rng.pick(["How many items are in this list: \(text)?", "Count the items: \(text).",
                                 "How many words are in this list: \(text)?", "How long is this list: \(text)?",
                                 "Count these: \(text)."])
            if rng.chance(RequestGrammar.percent) { user = RequestGrammar.render(NumberPhrasings.itemCount(&rng), content: text, &rng) }
            turns.append(TaskTurn(user: user, answer: String(items.count), check: .number))
        } else {
            let x = rng.pick(pool)
            key = "occurrences \(x) \(text)"
            var user = rng.pick(["How many times does \(x) appear in this list: \(text)?", "Count how often \(x) appears: \(text)."])
            if rng.chance(RequestGrammar.percent) {
                user = RequestGrammar.render(NumberPhrasings.itemOccurrences(x, &rng), content: text, &rng)
            }
            turns.append(TaskTurn(user: user, answer: String(items.filter { $0 == x }.count), check: .number))
        }
        if twoTurn {
            let x = rng.pick(pool)
            turns.append(TaskTurn(user: rng.pick(["And how many times does \(x) appear in it?",
                                                  "How many of them are \(x)?"]),
                                  answer: String(items.filter { $0 == x }.count), check: .number))
        }
        return TaskInstance(task: .counting, turns: turns, key: key)
    }
}
