/// The list operation tasks: sort, reverse and dedupe, over short lists of words, names or numbers.
enum ListTasks {
    /// What a list holds; sorting means alphabetical order for words and names, numeric for numbers.
    enum Kind { case words, names, numbers }

    /// 2 to 8 distinct items of one kind (every length a user's list is likely to have).
    static func distinctItems(_ kind: Kind, names: inout NameGenerator, _ rng: inout SynthRandom) -> [String] {
        let n = rng.int(in: 2...8)
        switch kind {
        case .words:
            var seen = Set<String>()
            var words: [String] = []
            while words.count < n {
                let w = names.word(&rng)
                if seen.insert(w).inserted { words.append(w) }
            }
            return words
        case .names:
            var items: [String] = []
            while items.count < n {
                let name = names.nameOrString(&rng)
                if !items.contains(name) { items.append(name) }
            }
            return items
        case .numbers: return rng.sample(Array(0...99), count: n).map(String.init)
        }
    }

    static func randomKind(_ rng: inout SynthRandom) -> Kind {
        [Kind.words, .words, .names, .numbers, .numbers][rng.below(5)]
    }

    static func ascending(_ items: [String], _ kind: Kind) -> [String] {
        kind == .numbers ? items.sorted { Int($0)! < Int($1)! } : TextTransforms.sortedAlphabetically(items)
    }

    /// A follow-up that sorts the previous answer.
    static func sortFollowUp(_ items: [String], _ kind: Kind, _ rng: inout SynthRandom) -> TaskTurn {
        if rng.chance(RequestGrammar.percent) {
            let user = RequestGrammar.request(ListPhrasings.sortFollowUp(numbers: kind == .numbers, &rng), &rng)
            return TaskTurn(user: user, answer: TextTransforms.joinList(ascending(items, kind)), check: .list)
        }
        let user = kind == .numbers
            ? rng.pick(["Now sort it from smallest to largest.", "Now put the numbers in order, smallest first."])
            : rng.pick(["Now sort it in alphabetical order.", "Now put it in alphabetical order."])
        return TaskTurn(user: user, answer: TextTransforms.joinList(ascending(items, kind)), check: .list)
    }

    static func sort(twoTurn: Bool, names: inout NameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        let kind = randomKind(&rng)
        let items = distinctItems(kind, names: &names, &rng)
        let text = TextTransforms.joinList(items)
        var sorted = ascending(items, kind)
        var user: String
        var mode = "ascending"
        if kind == .numbers {
            if rng.chance(35) {
                mode = "descending"
                sorted.reverse()
                user = rng.pick(["Sort these numbers from largest to smallest: \(text)",
                                 "Put these numbers in order, largest first: \(text)",
                                 "Sort in descending order: \(text)", "Biggest first, please sort: \(text)"])
            } else {
                user = rng.pick(["Sort these numbers from smallest to largest: \(text)",
                                 "Put these numbers in order, smallest first: \(text)", "Sort: \(text)",
                                 "Sort in ascending order: \(text)", "Sort these numbers: \(text)"])
            }
        } else {
            user = rng.pick(["Sort these words in alphabetical order: \(text)", "Put these in alphabetical order: \(text)",
                             "Sort alphabetically: \(text)", "Sort: \(text)", "Sort these words: \(text)",
                             "Alphabetise this list: \(text)", "Sort these from A to Z: \(text)"])
        }
        if rng.chance(RequestGrammar.percent) {
            let phrasing = kind == .numbers ? ListPhrasings.sortNumbers(descending: mode == "descending", &rng)
                : ListPhrasings.sortWords(&rng)
            user = RequestGrammar.request(phrasing, content: text, &rng)
        }
        var turns = [TaskTurn(user: user, answer: TextTransforms.joinList(sorted), check: .list)]
        if twoTurn {
            let fixed = rng.pick(["Now reverse that list.", "Now write it in reverse order."])
            let followUp = rng.chance(RequestGrammar.percent) ? RequestGrammar.request(ListPhrasings.reverseFollowUp(&rng), &rng) : fixed
            turns.append(TaskTurn(user: followUp, answer: TextTransforms.joinList(sorted.reversed()), check: .list))
        }
        return TaskInstance(task: .sort, turns: turns, key: "sort \(mode) \(text)")
    }

    static func reverse(twoTurn: Bool, names: inout NameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        if rng.chance(30) {
            let w = rng.chance(30) ? names.nameOrString(&rng) : names.word(&rng)
            var user = rng.pick(["Spell \(w) backwards.", "Reverse the letters of \(w).", "Write the word \(w) backwards.",
                                 "Reverse the word \(w).", "What is \(w) spelled backwards?"])
            if rng.chance(RequestGrammar.percent) {
                user = rng.chance(50) ? RequestGrammar.question(ListPhrasings.reverseLettersQuestion(w, &rng), &rng)
                    : RequestGrammar.request(ListPhrasings.reverseLetters(w, &rng), &rng)
            }
            var turns = [TaskTurn(user: user, answer: TextTransforms.reversedLetters(w), check: .exact)]
            if twoTurn {
                turns.append(TaskTurn(user: rng.pick(["Now spell it forwards again.", "Now turn it back."]),
                                      answer: w, check: .exact))
            }
            return TaskInstance(task: .reverse, turns: turns, key: "letters \(w)")
        }
        let kind = randomKind(&rng)
        let items = distinctItems(kind, names: &names, &rng)
        let text = TextTransforms.joinList(items)
        let reversed = Array(items.reversed())
        var user = rng.pick(["Reverse this list: \(text)", "Write these in reverse order: \(text)", "Reverse the order: \(text)",
                             "Reverse: \(text)", "Reverse the order of: \(text)", "List these from last to first: \(text)"])
        if rng.chance(RequestGrammar.percent) { user = RequestGrammar.request(ListPhrasings.reverseList(&rng), content: text, &rng) }
        var turns = [TaskTurn(user: user, answer: TextTransforms.joinList(reversed), check: .list)]
        if twoTurn { turns.append(sortFollowUp(reversed, kind, &rng)) }
        return TaskInstance(task: .reverse, turns: turns, key: "reverse \(text)")
    }

    static func dedupe(twoTurn: Bool, names: inout NameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        let kind = randomKind(&rng)
        var pool = distinctItems(kind, names: &names, &rng)
        pool = Array(pool.prefix(rng.int(in: 1...min(5, pool.count))))
        // At least one repeat: every pool item once, plus 1 to 4 more (8 items at most), shuffled.
        var items = pool + (0..<rng.int(in: 1...min(4, 8 - pool.count))).map { _ in rng.pick(pool) }
        items = rng.shuffled(items)
        let text = TextTransforms.joinList(items)
        let unique = TextTransforms.dedupe(items)
        var user = rng.pick(["Remove the repeated items from this list: \(text)",
                             "Remove duplicates, keeping the first of each: \(text)", "List each item once, in order: \(text)",
                             "Remove duplicates: \(text)", "Drop the repeats from this list: \(text)", "Deduplicate: \(text)"])
        if rng.chance(RequestGrammar.percent) { user = RequestGrammar.request(ListPhrasings.dedupe(&rng), content: text, &rng) }
        var turns = [TaskTurn(user: user, answer: TextTransforms.joinList(unique), check: .list)]
        if twoTurn {
            var followUp = rng.pick(["How many items are left?", "How many items does that list have?"])
            if rng.chance(RequestGrammar.percent) { followUp = RequestGrammar.question(ListPhrasings.countFollowUp(&rng), &rng) }
            turns.append(TaskTurn(user: followUp, answer: String(unique.count), check: .number))
        }
        return TaskInstance(task: .dedupe, turns: turns, key: "dedupe \(text)")
    }
}
