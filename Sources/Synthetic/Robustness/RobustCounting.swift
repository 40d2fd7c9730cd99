/// Counting in new words: the letters of a robustness word or name, one letter's repeats in it, the
/// items of a list of 2 to 8, or one item's repeats in the list.
enum RobustCounting: RobustTask {
    static let task = TaskType.counting

    static let length: [RobustTemplate] = [
        "What is the letter count of {word}?",
        "Tell me how many letters {word} has.",
        "{word}: how many letters is that?",
        "Give me the number of letters in {word}.",
        "If you spell {word}, how many letters do you write?",
    ]

    static let letter: [RobustTemplate] = [
        "Looking at {word}, how often is the letter {letter} used?",
        "How many copies of the letter {letter} are in {word}?",
        "Tally the letter {letter} in {word}.",
        "Check {word} for the letter {letter}: how many are there?",
        "Could you count every {letter} in {word}?",
    ]

    static let items: [RobustTemplate] = [
        "Tell me how many things are listed here: {list}",
        "What is the number of entries in {list}?",
        "Here is a list: {list}. How many entries does it have?",
        "Count up the entries in this list: {list}",
        "How many things are in the following? {list}",
    ]

    static let occurrences: [RobustTemplate] = [
        "In this list, how often is {item} mentioned? {list}",
        "Tell me how many times {item} shows up in {list}.",
        "Here is a list: {list}. How many times is {item} in it?",
        "Check this list for {item}: {list}. How many did you find?",
    ]

    static let wordFollowUps: [RobustTemplate] = [
        "What about the letter {letter} in that same word?",
        "And the letter {letter}, how many of those?",
        "Same word, but count {letter} this time.",
    ]

    static let listFollowUps: [RobustTemplate] = [
        "What about {item}, how many times is it there?",
        "And how often does {item} show up?",
        "Same list: how many times is {item} in it?",
    ]

    static var requests: [RobustTemplate] { length + letter + items + occurrences }
    static var followUps: [RobustTemplate] { wordFollowUps + listFollowUps }

    static func make(twoTurn: Bool, names: inout RobustNameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        rng.chance(50) ? word(twoTurn: twoTurn, names: &names, &rng) : list(twoTurn: twoTurn, names: &names, &rng)
    }

    static func word(twoTurn: Bool, names: inout RobustNameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        let w = rng.chance(25) ? names.next(&rng) : RobustPhrases.word(&rng)
        var turns: [TaskTurn] = []
        let key: String
        if rng.chance(30) {
            key = "length \(w)"
            turns.append(TaskTurn(user: rng.render(length, ["word": w]), answer: String(w.count), check: .number))
        } else {
            let l = CountingTask.letter(in: w, &rng)
            key = "letter \(l) \(w)"
            turns.append(TaskTurn(user: rng.render(letter, ["word": w, "letter": String(l)]),
                                  answer: String(TextTransforms.count(letter: l, in: w)), check: .number))
        }
        if twoTurn {
            var l = CountingTask.letter(in: w, &rng)
            if key == "letter \(l) \(w)" { l = CountingTask.letter(in: w, &rng) }  // usually another letter
            turns.append(TaskTurn(user: rng.render(wordFollowUps, ["letter": String(l)]),
                                  answer: String(TextTransforms.count(letter: l, in: w)), check: .number))
        }
        return TaskInstance(task: task, turns: turns, key: key)
    }

    static func list(twoTurn: Bool, names: inout RobustNameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        let pool = RobustLists.distinctItems(ListTasks.randomKind(&rng), count: rng.int(in: 2...4), names: &names, &rng)
        let items = (0..<rng.int(in: RobustLists.lengths)).map { _ in rng.pick(pool) }
        let text = TextTransforms.joinList(items)
        func occurrences(of x: String) -> String { String(items.filter { $0 == x }.count) }
        var turns: [TaskTurn] = []
        let key: String
        if rng.chance(50) {
            key = "items \(text)"
            turns.append(TaskTurn(user: rng.render(self.items, ["list": text]), answer: String(items.count), check: .number))
        } else {
            let x = rng.pick(pool)
            key = "occurrences \(x) \(text)"
            turns.append(TaskTurn(user: rng.render(self.occurrences, ["list": text, "item": x]),
                                  answer: occurrences(of: x), check: .number))
        }
        if twoTurn {
            let x = rng.pick(pool)
            turns.append(TaskTurn(user: rng.render(listFollowUps, ["item": x]), answer: occurrences(of: x), check: .number))
        }
        return TaskInstance(task: task, turns: turns, key: key)
    }
}
