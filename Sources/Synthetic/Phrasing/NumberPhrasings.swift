/// The request grammar's parts for arithmetic and counting (see `ListPhrasings`).
enum NumberPhrasings {
    typealias Form = [[String]]
    typealias Operation = ArithmeticTask.Operation

    /// The problem as an expression ("17 plus 25", "the product of 3 and 4").
    static func expressions(_ op: Operation, _ a: Int, _ b: Int) -> [String] {
        switch op {
        case .add: ["\(a) plus \(b)", "\(a) + \(b)", "\(a)+\(b)", "the sum of \(a) and \(b)", "the total of \(a) and \(b)",
                    "\(a) and \(b) added together", "\(b) added to \(a)"]
        case .subtract: ["\(a) minus \(b)", "\(a) - \(b)", "\(a)-\(b)", "\(a) take away \(b)", "\(b) subtracted from \(a)",
                         "the difference between \(a) and \(b)", "\(a) with \(b) taken away", "\(b) less than \(a)"]
        case .multiply: ["\(a) times \(b)", "\(a) * \(b)", "\(a)*\(b)", "\(a) x \(b)", "\(a) multiplied by \(b)",
                         "the product of \(a) and \(b)", "\(a) groups of \(b)", "\(a) sets of \(b)"]
        }
    }

    /// The problem as an order ("add 17 and 25").
    static func orders(_ op: Operation, _ a: Int, _ b: Int) -> [String] {
        switch op {
        case .add: ["add \(a) and \(b)", "add \(b) to \(a)", "sum \(a) and \(b)", "add up \(a) and \(b)",
                    "total up \(a) and \(b)", "combine \(a) and \(b)"]
        case .subtract: ["subtract \(b) from \(a)", "take \(b) from \(a)", "take \(b) away from \(a)",
                         "take away \(b) from \(a)", "remove \(b) from \(a)"]
        case .multiply: ["multiply \(a) by \(b)", "multiply \(a) and \(b)", "multiply \(a) with \(b)"]
        }
    }

    /// A question or order for `op` on `a` and `b`, for `RequestGrammar.question` or `.request`.
    static func arithmetic(_ op: Operation, _ a: Int, _ b: Int, _ rng: inout SynthRandom) -> (form: Form, isQuestion: Bool) {
        let expression = expressions(op, a, b)
        switch rng.below(5) {
        case 0, 1:
            return ([["what is ", "what's ", "how much is ", "what do you get for ", "what is the answer to ",
                      "what number is ", "what would be "], expression], true)
        case 2:
            return ([["what does "], expression, [" equal", " make", " come to", " give"]], true)
        case 3:
            return ([["calculate ", "work out ", "compute ", "find ", "solve ", "give me ", "tell me ", "figure out "],
                     expression], false)
        default:
            return ([orders(op, a, b)], false)
        }
    }

    /// A follow-up applying `op` with `k` to the previous answer.
    static func followUp(_ op: Operation, _ k: Int, _ rng: inout SynthRandom) -> (form: Form, isQuestion: Bool) {
        let it = ["that", "it", "the answer", "the result", "this"]
        switch op {
        case .add:
            return rng.pick([
                ([["now ", "then ", "next, ", ""], ["add \(k) to "], it], false),
                ([["now ", "then ", ""], ["add \(k)", "add another \(k)", "add \(k) more", "plus \(k)"]], false),
                ([["what is ", "what's ", "and what is "], it, [" plus \(k)", " + \(k)", " with \(k) added"]], true),
                ([["and if you add \(k)", "what if you add \(k)", "and \(k) more", "what about plus \(k)"]], true),
            ])
        case .subtract:
            return rng.pick([
                ([["now ", "then ", "next, ", ""], ["subtract \(k) from ", "take \(k) away from ", "take \(k) from "], it], false),
                ([["now ", "then ", ""], ["subtract \(k)", "take away \(k)", "minus \(k)", "take off \(k)"]], false),
                ([["what is ", "what's ", "and what is "], it, [" minus \(k)", " - \(k)", " with \(k) taken away"]], true),
                ([["and if you take away \(k)", "what if you subtract \(k)", "and \(k) fewer", "what about minus \(k)"]], true),
            ])
        case .multiply:
            return rng.pick([
                ([["now ", "then ", "next, ", ""], ["multiply "], it, [" by \(k)"]], false),
                ([["now ", "then ", ""], ["times \(k)", "multiply by \(k)"]], false),
                ([["what is ", "what's ", "and what is "], it, [" times \(k)", " * \(k)", " multiplied by \(k)"]], true),
                ([["and if you multiply it by \(k)", "what if you multiply by \(k)", "what about times \(k)"]], true),
            ])
        }
    }

    /// Asking for the number of letters in `word`.
    static func letterCount(_ word: String, _ rng: inout SynthRandom) -> (form: Form, isQuestion: Bool) {
        rng.pick([
            ([["how many letters are in ", "how many letters are there in ", "how many characters are in ",
               "what is the length of ", "how long is ", "how many letters make up "], [word, "the word \(word)"]], true),
            ([["how many letters does "], [word, "the word \(word)"], [" have", " contain"]], true),
            ([["count the letters in ", "count the letters of ", "count how many letters are in "], [word, "the word \(word)"]],
             false),
        ])
    }

    /// Asking how often `letter` occurs in `word`.
    static func letterOccurrences(_ letter: Character, _ word: String, _ rng: inout SynthRandom) -> (form: Form, isQuestion: Bool) {
        let l = String(letter)
        return rng.pick([
            ([["how many times does ", "how often does "], ["\(l)", "the letter \(l)"], [" appear in ", " occur in ",
                                                                                       " show up in "],
              [word, "the word \(word)"]], true),
            ([["how many "], ["\(l)'s", "\(l)s", "\(l) letters"], [" are in ", " are there in "],
              [word, "the word \(word)"]], true),
            ([["count the "], ["\(l)'s", "\(l)s", "letter \(l)s"], [" in "], [word, "the word \(word)"]], false),
            ([["in \(word), how many times does \(l) appear", "in the word \(word), how many \(l)s are there"]], true),
        ])
    }

    /// Asking for the number of items in `list`.
    static func itemCount(_ rng: inout SynthRandom) -> (form: Form, isQuestion: Bool) {
        rng.pick([
            ([["how many items are in ", "how many words are in ", "how many things are in ", "how long is "],
              ListPhrasings.lists], true),
            ([["how many items does ", "how many words does "], ["this list", "the list", "the following list"], [" have"]],
             true),
            ([["count the items in ", "count the words in ", "count "], ListPhrasings.lists], false),
        ])
    }

    /// Asking how often `item` occurs in the list.
    static func itemOccurrences(_ item: String, _ rng: inout SynthRandom) -> (form: Form, isQuestion: Bool) {
        rng.pick([
            ([["how many times does \(item) ", "how often does \(item) "], ["appear in ", "occur in ", "come up in "],
              ListPhrasings.lists], true),
            ([["how many times is \(item) in ", "how many of the items are \(item) in "], ListPhrasings.lists], true),
            ([["count how many times \(item) appears in ", "count the \(item) items in "], ListPhrasings.lists], false),
        ])
    }
}
