/// Pronounceable proper names the training data can never contain ("Jowin", "Cheluck", "Quarix").
///
/// Training names (`NameGenerator`) are spelled with b d f g h k l m n p r s t v z and the vowels
/// a e i o u only. Every name here has at least one of the letters c, j, w, y, q, x, so the two name
/// spaces are disjoint by construction, whatever the seed: a model that answers questions about these
/// names reads them from the prompt rather than recalling them. The training tasks' made-up words use
/// the whole alphabet, but only those of the training split (`DataSplit.of(name:)` of the capitalised
/// word), so every name here is of the held-out split: none is a training word, capitalised or not.
/// Names are capitalised, never equal a lexicon word or a robustness word, and a generator never hands
/// out the same name twice until `reset()`.
public struct RobustNameGenerator: NameSource {
    /// The letters training names never use; every robustness name has at least one of them.
    public static let markerLetters: Set<Character> = ["c", "j", "w", "y", "q", "x"]

    /// Onsets with a marker letter.
    static let markedOnsets = ["c", "j", "w", "y", "qu", "ch", "cl", "cr", "wr", "tw", "sw", "kw"]
    /// Onsets of the training kind and a few new clusters without marker letters; they mix with the
    /// marked ones so the names do not all look alike.
    static let plainOnsets = ["b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z",
                              "th", "ph", "gl", "fr", "sk", "sn"]
    static let vowels = ["a", "e", "i", "o", "u"]
    /// Endings of the last syllable: none most often, some with marker letters.
    static let codas = ["", "", "", "", "n", "r", "l", "s", "x", "ck", "y"]

    /// The names handed out since the last `reset()`: the names of the current item.
    public private(set) var handedOut = Set<String>()

    public init() {}

    /// A fresh name.
    public mutating func next(_ rng: inout SynthRandom) -> String {
        while true {
            let name = Self.candidate(&rng)
            let lower = name.lowercased()
            guard lower.contains(where: Self.markerLetters.contains), DataSplit.of(name: name) == .heldOut,
                  !Lexicon.allWords.contains(lower), !RobustWords.all.contains(lower),
                  handedOut.insert(name).inserted else { continue }
            return name
        }
    }

    /// Forgets the names handed out (names only need to differ within one item).
    public mutating func reset() { handedOut.removeAll(keepingCapacity: true) }

    /// A name of `NameGenerator`'s shape, a marked onset at 45% of the places for one. Not every
    /// candidate has a marker letter: `next` rejects those.
    static func candidate(_ rng: inout SynthRandom) -> String {
        NameGenerator.syllableName(onset: { $0.pick($0.chance(45) ? markedOnsets : plainOnsets) }, vowels: vowels,
                                   codas: codas, &rng)
    }
}
