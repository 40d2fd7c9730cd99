/// Texts for the robustness set's copy, capitalise and cipher items, from robustness words and names
/// only: the training counterparts (`Phrases`) draw on the lexicon.
enum RobustPhrases {
    static let places = ["under", "behind", "inside", "beside", "above", "next to"]
    static let deeds = ["painted", "dropped", "fixed", "borrowed", "hid", "packed"]

    /// A robustness word.
    static func word(_ rng: inout SynthRandom) -> String { rng.pick(RobustWords.list) }

    /// 2 to `maxWords` lowercase robustness words ("fuzzy violin pebble").
    static func lowercaseWords(max maxWords: Int, _ rng: inout SynthRandom) -> String {
        (0..<rng.int(in: 2...maxWords)).map { _ in word(&rng) }.joined(separator: " ")
    }

    /// A short lowercase sentence without a period ("the sticky kettle is behind the canoe").
    static func lowercaseSentence(_ rng: inout SynthRandom) -> String {
        "the \(rng.pick(RobustWords.adjectives)) \(rng.pick(RobustWords.nouns)) is \(rng.pick(places)) the \(rng.pick(RobustWords.nouns))"
    }

    /// A sentence about a named person, with its period ("Jowin painted a shiny wagon.").
    static func namedSentence(_ name: String, _ rng: inout SynthRandom) -> String {
        let adjective = rng.pick(RobustWords.adjectives)
        return rng.pick([
            "\(name) \(rng.pick(deeds)) \(Lexicon.article(for: adjective)) \(adjective) \(rng.pick(RobustWords.nouns)).",
            "The \(rng.pick(RobustWords.nouns)) \(rng.pick(places)) the \(rng.pick(RobustWords.nouns)) belongs to \(name).",
            "\(name) keeps \(rng.int(in: 2...9)) \(rng.pick(RobustWords.countables).plural) in \(Lexicon.article(for: adjective)) \(adjective) flask.",
        ])
    }

    /// A code of capital letters and digits with a dash ("QX7-42"): training codes take other shapes (lowercase,
    /// other separators, one or three parts), never this one (`Phrases.code`).
    static func code(_ rng: inout SynthRandom) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), digits = Array("0123456789")
        func part(_ n: Int, _ rng: inout SynthRandom) -> String {
            String((0..<n).map { _ in rng.chance(50) ? rng.pick(letters) : rng.pick(digits) })
        }
        return part(rng.int(in: 2...3), &rng) + "-" + part(rng.int(in: 2...3), &rng)
    }

    /// Any of the above, or a few names.
    static func any(names: inout RobustNameGenerator, _ rng: inout SynthRandom) -> String {
        switch rng.below(5) {
        case 0: lowercaseWords(max: 6, &rng)
        case 1: lowercaseSentence(&rng)
        case 2: namedSentence(names.next(&rng), &rng)
        case 3: names.next(rng.int(in: 2...3), &rng).joined(separator: " ")
        default: code(&rng)
        }
    }
}
