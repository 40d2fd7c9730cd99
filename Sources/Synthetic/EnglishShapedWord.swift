/// Made-up words spelled the way English spells ("flaskent", "chowdrish", "quintle").
///
/// The default models copy, sort and reverse words whose tokens their SFT replies show often and fail on
/// almost every answer holding a token the replies show fewer than ten times (assets/models/README.md,
/// "rare tokens"): `flask` holds `ask`, `frozen` holds `▁fro`, `onion` holds `ion`. Those pieces are
/// frequent in the stories a tokenizer is trained on, and absent from task answers, whose words are
/// lexicon words, consonant-vowel made-up words and independent letters. Words built from English
/// onsets, vowel spellings, codas and endings put those pieces into answers, so the copying a model
/// learns covers the tokens the words a user types are made of. Kept to the generator's split, never a
/// lexicon or robustness word, and recorded like the other made-up words.
extension NameGenerator {
    static let shapedOnsets = [
        "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "y", "z",
        "bl", "br", "ch", "cl", "cr", "dr", "fl", "fr", "gl", "gr", "kn", "ph", "pl", "pr", "qu", "sc", "sh",
        "sk", "sl", "sm", "sn", "sp", "squ", "st", "str", "sw", "th", "tr", "tw", "wh", "wr",
    ]
    static let shapedVowels = [
        "a", "e", "i", "o", "u", "a", "e", "i", "o", "u", "ai", "au", "ay", "ea", "ee", "ei", "ie", "oa", "oi",
        "oo", "ou", "ow", "oy", "ue",
    ]
    static let shapedCodas = [
        "", "", "", "b", "ck", "d", "ff", "g", "ll", "m", "n", "nd", "ng", "nk", "nt", "p", "r", "rd", "rk", "rm",
        "rn", "rt", "s", "sh", "sk", "ss", "st", "t", "tch", "th", "x", "lk", "lt", "mp", "ft", "ct", "dge", "ze",
    ]
    static let shapedEndings = [
        "", "", "", "", "er", "le", "et", "en", "ent", "ion", "ow", "y", "ing", "ed", "ish", "ous", "ful", "ly",
        "ter", "tle", "dle", "ble", "ket", "let", "on", "al", "ance", "ence", "ic", "ant", "est", "age", "ure",
    ]

    /// One or two syllables (onset, vowel spelling, coda) and often an ending: 3 to 11 letters.
    public mutating func englishShapedWord(_ rng: inout SynthRandom) -> String {
        while true {
            var word = ""
            for syllable in 0..<(rng.chance(60) ? 1 : 2) {
                if !(syllable == 0 && rng.chance(15)) { word += rng.pick(Self.shapedOnsets) }
                word += rng.pick(Self.shapedVowels)
                word += rng.pick(Self.shapedCodas)
            }
            word += rng.pick(Self.shapedEndings)
            let capitalised = word.capitalizedFirst
            guard (3...11).contains(word.count), DataSplit.of(name: capitalised) == split,
                  !Lexicon.allWords.contains(word), !RobustWords.all.contains(word) else { continue }
            recordIssued(capitalised)
            return word
        }
    }
}
