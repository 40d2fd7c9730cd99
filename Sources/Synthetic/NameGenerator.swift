/// Pronounceable proper names built from syllables ("Lomi", "Brasu", "Tekavin").
///
/// Names are drawn for one `DataSplit` only (rejecting the other side's), never equal a word of the
/// lexicon or the templates, and a `NameGenerator` never hands out the same name twice.
public struct NameGenerator: NameSource {
    static let onsets = ["b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z",
                         "br", "dr", "kr", "tr", "st", "sh", "pl"]
    static let vowels = ["a", "e", "i", "o", "u"]
    /// Endings of the last syllable; the empty ending is the most common.
    static let codas = ["", "", "", "", "n", "r", "l", "s", "m"]

    public let split: DataSplit
    private var used = Set<String>()
    /// When set, every name handed out is also appended to `issued` (in order, without repeats).
    public var recordsIssued = false
    public private(set) var issued: [String] = []
    private var issuedSet = Set<String>()
    /// Percentage of `word` draws that are English-shaped made-up words (`englishShapedWord`); 0 draws
    /// nothing extra, so the files stay byte for byte as without it.
    public var englishShapedPercent: Int

    public init(split: DataSplit, englishShapedPercent: Int = 0) {
        self.split = split
        self.englishShapedPercent = englishShapedPercent
    }

    /// Appends a made-up word's capitalised form to `issued` when recording.
    mutating func recordIssued(_ capitalised: String) {
        if recordsIssued && issuedSet.insert(capitalised).inserted { issued.append(capitalised) }
    }

    /// A fresh name of this generator's split.
    public mutating func next(_ rng: inout SynthRandom) -> String {
        while true {
            let name = Self.candidate(&rng)
            guard DataSplit.of(name: name) == split, !Lexicon.allWords.contains(name.lowercased()),
                  used.insert(name).inserted else { continue }
            if recordsIssued && issuedSet.insert(name).inserted { issued.append(name) }
            return name
        }
    }

    static let wordConsonants = Array("bcdfghjklmnpqrstvwxyz")
    static let wordVowels = Array("aeiouy")

    /// A made-up lowercase word of 2 to 8 letters from the whole alphabet, consonants and vowels
    /// alternating. The string tasks (case, ciphers, spelling backwards, counting letters, sorting) use
    /// them beside lexicon words so that a model learns the operation on letters rather than the answers
    /// for a few hundred words: users type words no training file has. Like names, made-up words keep to
    /// this generator's split (their capitalised form decides it, as title case writes them), so a
    /// held-out word never appears in training; they are recorded with the names, capitalised.
    public mutating func pseudoWord(_ rng: inout SynthRandom) -> String {
        while true {
            let length = rng.int(in: 2...8)
            var vowel = rng.chance(30)
            let word = String((0..<length).map { _ in
                defer { vowel.toggle() }
                return vowel ? rng.pick(Self.wordVowels) : rng.pick(Self.wordConsonants)
            })
            let capitalised = word.prefix(1).uppercased() + word.dropFirst()
            guard DataSplit.of(name: capitalised) == split, !Lexicon.allWords.contains(word) else { continue }
            recordIssued(capitalised)
            return word
        }
    }

    /// A string of 3 to 9 letters drawn independently from the whole alphabet ("tkrzab"). Unlike a
    /// made-up word it is not pronounceable, so its tokens are pieces of every kind, as in the words a
    /// user types that no training file has ("kitchen" is "k itc hen" to a tokenizer that never saw it):
    /// copying, reversing or sorting these can only be done by reading the prompt. Kept to this
    /// generator's split like made-up words, and never a robustness word.
    public mutating func letterString(_ rng: inout SynthRandom) -> String {
        while true {
            let word = String((0..<rng.int(in: 3...9)).map { _ in rng.pick(CountingTask.letters) })
            let capitalised = word.capitalizedFirst
            guard DataSplit.of(name: capitalised) == split, !Lexicon.allWords.contains(word),
                  !RobustWords.all.contains(word) else { continue }
            recordIssued(capitalised)
            return word
        }
    }

    /// A lexicon word, a made-up word or a letter string (and with `englishShapedPercent`, an
    /// English-shaped made-up word).
    public mutating func word(_ rng: inout SynthRandom) -> String {
        if englishShapedPercent > 0 && rng.below(100) < englishShapedPercent { return englishShapedWord(&rng) }
        return switch rng.below(100) {
        case 0..<45: rng.pick(Lexicon.listWords)
        case 45..<75: pseudoWord(&rng)
        default: letterString(&rng)
        }
    }

    /// A name most of the time, else a capitalised letter string ("Tkrzab"): names a user brings are
    /// not all pronounceable in this generator's way.
    public mutating func nameOrString(_ rng: inout SynthRandom) -> String {
        if rng.chance(75) { return next(&rng) }
        return letterString(&rng).capitalizedFirst
    }

    /// Forgets the names handed out (for generators of short-lived entities, where only the names within
    /// one passage must differ).
    public mutating func reset() { used.removeAll(keepingCapacity: true) }

    /// Two syllables mostly, sometimes three; the first may be a bare vowel ("Ola").
    static func candidate(_ rng: inout SynthRandom) -> String {
        syllableName(onset: { $0.pick(onsets) }, vowels: vowels, codas: codas, &rng)
    }

    /// A capitalised name of two syllables mostly, sometimes three, each an onset from `onset` and a
    /// vowel, the first maybe without its onset; then a coda. (Training and robustness names differ in
    /// their letters only.)
    static func syllableName(onset: (inout SynthRandom) -> String, vowels: [String], codas: [String],
                             _ rng: inout SynthRandom) -> String {
        let syllables = rng.chance(70) ? 2 : 3
        var name = ""
        for s in 0..<syllables {
            if !(s == 0 && rng.chance(12)) { name += onset(&rng) }
            name += rng.pick(vowels)
        }
        name += rng.pick(codas)
        return name.capitalizedFirst
    }
}
