/// Pronounceable proper names built from syllables ("Lomi", "Brasu", "Tekavin").
///
/// Names are drawn for one `DataSplit` only (rejecting the other side's), never equal a word of the
/// lexicon or the templates, and a `NameGenerator` never hands out the same name twice.
public struct NameGenerator {
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

    public init(split: DataSplit) {
        self.split = split
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

    /// `count` fresh names.
    public mutating func next(_ count: Int, _ rng: inout SynthRandom) -> [String] {
        (0..<count).map { _ in next(&rng) }
    }

    /// Forgets the names handed out (for generators of short-lived entities, where only the names within
    /// one passage must differ).
    public mutating func reset() { used.removeAll(keepingCapacity: true) }

    /// Two syllables mostly, sometimes three; the first may be a bare vowel ("Ola").
    static func candidate(_ rng: inout SynthRandom) -> String {
        let syllables = rng.chance(70) ? 2 : 3
        var name = ""
        for s in 0..<syllables {
            if !(s == 0 && rng.chance(12)) { name += rng.pick(onsets) }
            name += rng.pick(vowels)
        }
        name += rng.pick(codas)
        return name.prefix(1).uppercased() + name.dropFirst()
    }
}
