/// Short texts for the copy, capitalise and cipher tasks.
enum Phrases {
    static let verbs = ["sat by", "ran to", "looked at", "walked to", "slept near", "jumped over"]

    /// 2 to `maxWords` lowercase words, of the lexicon or made up ("red lamp quvex").
    static func lowercaseWords(max maxWords: Int, names: inout NameGenerator, _ rng: inout SynthRandom) -> String {
        (0..<rng.int(in: 2...maxWords)).map { _ in names.word(&rng) }.joined(separator: " ")
    }

    /// A short lowercase sentence without a period ("the brown fox sat by the lake").
    static func lowercaseSentence(_ rng: inout SynthRandom) -> String {
        "the \(rng.pick(Lexicon.colors)) \(rng.pick(Lexicon.animals).singular) \(rng.pick(verbs)) the \(rng.pick(Lexicon.outings))"
    }

    /// Past-tense verbs of `namedSentence`'s open forms (none of the robustness set's deeds).
    static let deeds = ["found", "sold", "carried", "washed", "opened", "lost", "made", "bought", "moved", "drew"]

    /// A sentence about a named person, with its period ("Lomi has 3 red cups.", "Lomi sold a quvex tkrzab."). In
    /// half of them the words are drawn like list words (lexicon, made-up, letter strings): a sentence whose
    /// next word the world's facts do not predict is copied, not recalled.
    static func namedSentence(_ name: String, names: inout NameGenerator, _ rng: inout SynthRandom) -> String {
        let n = rng.int(in: 2...9)
        if rng.chance(50) {
            let first = names.word(&rng), second = names.word(&rng)
            return switch rng.below(4) {
            case 0: "\(name) \(rng.pick(deeds)) \(Lexicon.article(for: first)) \(first) \(second)."
            case 1: "\(name) \(rng.pick(deeds)) \(n) \(first) near the \(second)."
            case 2: "\(name) and \(names.next(&rng)) \(rng.pick(deeds)) the \(first) on \(rng.pick(Lexicon.days))."
            default: "The \(first) of \(name) is \(second)."
            }
        }
        return rng.pick([
            "\(name) has \(n) \(rng.pick(Lexicon.colors)) \(rng.pick(Lexicon.objects).plural).",
            "\(name) went to the \(rng.pick(Lexicon.outings)) on \(rng.pick(Lexicon.days)).",
            "\(name) is \(Lexicon.article(for: rng.pick(Lexicon.jobs))) \(rng.pick(Lexicon.jobs)).",
            "The \(rng.pick(Lexicon.animals).singular) of \(name) is \(rng.pick(Lexicon.colors)).",
        ])
    }

    /// A code as people type them ("x7k2", "qf-27", "AB_93K", "7T/K2/9Q"): one to three parts of letters and
    /// digits joined by a separator, all lower or all upper case. Of the generator's split like names (by its
    /// lowercase characters without separators): a held-out name or letter string ("bxn") could be a code too.
    /// Never the robustness set's shape (`RobustPhrases.code`: two parts in capitals joined by a dash, "QX7-42"),
    /// which stays a combination training has not seen: such a code is written in lowercase here.
    static func code(names: NameGenerator, _ rng: inout SynthRandom) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        while true {
            let parts = rng.int(in: 1...3)
            let core = (0..<parts).map { _ in
                String((0..<rng.int(in: parts == 1 ? 3...6 : 2...3)).map { _ in rng.pick(alphabet) })
            }
            guard DataSplit.of(name: core.joined().capitalizedFirst) == names.split else { continue }
            let separator = parts == 1 ? "" : rng.pick(["-", "-", "_", ".", "/"])
            let code = core.joined(separator: separator)
            let robustShape = parts == 2 && separator == "-"
            return rng.chance(50) && !robustShape ? code.uppercased() : code
        }
    }

    /// Any of the above, or a few names, or a code.
    static func any(names: inout NameGenerator, _ rng: inout SynthRandom) -> String {
        switch rng.below(5) {
        case 0: return lowercaseWords(max: 6, names: &names, &rng)
        case 1: return lowercaseSentence(&rng)
        case 2: return namedSentence(names.next(&rng), names: &names, &rng)
        case 3: return (0..<rng.int(in: 2...4)).map { _ in names.nameOrString(&rng) }.joined(separator: " ")
        default: return code(names: names, &rng)
        }
    }
}
