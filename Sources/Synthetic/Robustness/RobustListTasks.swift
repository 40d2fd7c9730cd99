/// The lists of the robustness set: robustness words, robustness names or numbers, 2 to 8 items.
enum RobustLists {
    /// List lengths: the whole trained range, shortest and longest included.
    static let lengths = 2...8

    /// `count` distinct items of `kind` (words and names sort alphabetically, numbers numerically).
    static func distinctItems(_ kind: ListTasks.Kind, count: Int, names: inout RobustNameGenerator,
                              _ rng: inout SynthRandom) -> [String] {
        switch kind {
        case .words: rng.sample(RobustWords.list, count: count)
        case .names: names.next(count, &rng)
        case .numbers: rng.sample(Array(0...99), count: count).map(String.init)
        }
    }

    /// The items of a list problem from `draw`, whose problem has the content key `key(items)`. Lists
    /// of words or names are new to the training data (its lists have neither); lists of numbers are
    /// drawn again until the problem is held out, as the training generator makes them too.
    static func fresh(_ kind: ListTasks.Kind, key: ([String]) -> String, _ draw: () -> [String]) -> [String] {
        guard kind == .numbers else { return draw() }
        return DataSplit.heldOut { let items = draw(); return (items, key(items)) }
    }

    /// 2 to 8 distinct items of `kind`, fresh as `fresh` makes them.
    static func freshItems(_ kind: ListTasks.Kind, key: ([String]) -> String, names: inout RobustNameGenerator,
                           _ rng: inout SynthRandom) -> [String] {
        fresh(kind, key: key) { distinctItems(kind, count: rng.int(in: lengths), names: &names, &rng) }
    }
}

/// Sorting in new words: words and names alphabetically, numbers either way; the follow-up reverses.
enum RobustSort: RobustTask {
    static let task = TaskType.sort

    static let alphabetical: [RobustTemplate] = [
        "Order these alphabetically, please: {list}",
        "Arrange these from A to Z: {list}",
        "Could you alphabetize the following? {list}",
        "Put the following into dictionary order: {list}",
        "Rearrange in alphabetical sequence: {list}",
        "List these as they would appear in a dictionary: {list}",
    ]

    static let ascending: [RobustTemplate] = [
        "Arrange these from lowest to highest: {list}",
        "Order these numbers, beginning with the smallest: {list}",
        "Rank these from least to greatest: {list}",
        "Could you list these in increasing order? {list}",
    ]

    static let descending: [RobustTemplate] = [
        "Arrange these from highest to lowest: {list}",
        "Order these numbers, beginning with the biggest: {list}",
        "Rank these from greatest to least: {list}",
        "Could you list these in decreasing order? {list}",
    ]

    static let followUps: [RobustTemplate] = [
        "Give me that in the opposite order.", "Flip that list around, please.", "Read that list back from the end.",
    ]

    static var requests: [RobustTemplate] { alphabetical + ascending + descending }

    static func make(twoTurn: Bool, names: inout RobustNameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        let kind = ListTasks.randomKind(&rng)
        let isDescending = kind == .numbers && rng.chance(35)
        let mode = isDescending ? "descending" : "ascending"
        let items = RobustLists.freshItems(kind, key: { key(mode, $0) }, names: &names, &rng)
        let text = TextTransforms.joinList(items)
        let ascendingItems = ListTasks.ascending(items, kind)
        let sorted = isDescending ? ascendingItems.reversed() : ascendingItems
        let templates = isDescending ? descending : kind == .numbers ? ascending : alphabetical
        var turns = [TaskTurn(user: rng.render(templates, ["list": text]), answer: TextTransforms.joinList(sorted),
                              check: .list)]
        if twoTurn {
            turns.append(TaskTurn(user: rng.render(followUps, [:]), answer: TextTransforms.joinList(sorted.reversed()),
                                  check: .list))
        }
        return TaskInstance(task: task, turns: turns, key: key(mode, items))
    }

    static func key(_ mode: String, _ items: [String]) -> String { "sort \(mode) \(TextTransforms.joinList(items))" }
}

/// Reversing in new words: the letters of a word or name, or a list; the list's follow-up sorts it.
enum RobustReverse: RobustTask {
    static let task = TaskType.reverse

    static let letters: [RobustTemplate] = [
        "What does {word} look like written backwards?",
        "Write {word} from its last letter to its first.",
        "Could you flip the letters of {word}?",
        "Mirror the spelling of {word}.",
    ]

    static let list: [RobustTemplate] = [
        "Give me this list backwards: {list}",
        "Flip the order of these: {list}",
        "Put these in the opposite order: {list}",
        "Read these out starting with the last one: {list}",
        "Could you turn this list around? {list}",
    ]

    static let lettersFollowUps: [RobustTemplate] = [
        "Now write it the right way round.", "Flip it back again, please.", "Undo that, please.",
    ]

    static let alphabeticalFollowUps: [RobustTemplate] = [
        "Now order that alphabetically.", "Put that into dictionary order now.", "Alphabetize that result.",
    ]

    static let numericFollowUps: [RobustTemplate] = [
        "Now arrange that from lowest to highest.", "Order that with the smallest number first.",
        "Rank that from least to greatest.",
    ]

    static var requests: [RobustTemplate] { letters + list }
    static var followUps: [RobustTemplate] { lettersFollowUps + alphabeticalFollowUps + numericFollowUps }

    static func make(twoTurn: Bool, names: inout RobustNameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        if rng.chance(30) {
            let w = rng.chance(30) ? names.next(&rng) : RobustPhrases.word(&rng)
            var turns = [TaskTurn(user: rng.render(letters, ["word": w]), answer: TextTransforms.reversedLetters(w),
                                  check: .exact)]
            if twoTurn { turns.append(TaskTurn(user: rng.render(lettersFollowUps, [:]), answer: w, check: .exact)) }
            return TaskInstance(task: task, turns: turns, key: "letters \(w)")
        }
        let kind = ListTasks.randomKind(&rng)
        let items = RobustLists.freshItems(kind, key: { "reverse \(TextTransforms.joinList($0))" }, names: &names, &rng)
        let text = TextTransforms.joinList(items)
        let reversed = Array(items.reversed())
        var turns = [TaskTurn(user: rng.render(list, ["list": text]), answer: TextTransforms.joinList(reversed),
                              check: .list)]
        if twoTurn {
            let followUps = kind == .numbers ? numericFollowUps : alphabeticalFollowUps
            turns.append(TaskTurn(user: rng.render(followUps, [:]),
                                  answer: TextTransforms.joinList(ListTasks.ascending(reversed, kind)), check: .list))
        }
        return TaskInstance(task: task, turns: turns, key: "reverse \(text)")
    }
}

/// Removing repeats in new words, keeping the first of each; the follow-up counts what is left.
enum RobustDedupe: RobustTask {
    static let task = TaskType.dedupe

    static let requests: [RobustTemplate] = [
        "Get rid of the duplicates in this list: {list}",
        "Keep only the first copy of each item: {list}",
        "Strip out any repeats, please: {list}",
        "Which distinct items appear here, in order? {list}",
        "Cross out every item that already appeared earlier: {list}",
        "Could you clean up the repeats in this list? {list}",
    ]

    static let followUps: [RobustTemplate] = [
        "How many remain after that?", "How long is the cleaned list?", "So how many distinct items were there?",
    ]

    static func make(twoTurn: Bool, names: inout RobustNameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        // A length of 2 to 8 with at least one repeat: 1 to 5 distinct items, each once, then repeats of
        // them up to the length, shuffled.
        let kind = ListTasks.randomKind(&rng)
        // The length is drawn again with the items: no list "n, n" is held out (FNV-1a's low bits never
        // put one in the held-out bucket).
        let items = RobustLists.fresh(kind, key: key) {
            let length = rng.int(in: RobustLists.lengths)
            let pool = RobustLists.distinctItems(kind, count: rng.int(in: 1...min(5, length - 1)), names: &names, &rng)
            return rng.shuffled(pool + (pool.count..<length).map { _ in rng.pick(pool) })
        }
        let text = TextTransforms.joinList(items)
        let unique = TextTransforms.dedupe(items)
        var turns = [TaskTurn(user: rng.render(requests, ["list": text]), answer: TextTransforms.joinList(unique),
                              check: .list)]
        if twoTurn {
            turns.append(TaskTurn(user: rng.render(followUps, [:]), answer: String(unique.count), check: .number))
        }
        return TaskInstance(task: task, turns: turns, key: key(items))
    }

    static func key(_ items: [String]) -> String { "dedupe \(TextTransforms.joinList(items))" }
}
