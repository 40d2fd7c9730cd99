/// The string and list operations the tasks ask for, as plain functions (the generator computes every
/// answer with them; tests pin them with hand-written cases).
public enum TextTransforms {
    /// Duet's regular pig latin: the first letter of each word moves to the end, then "ay"
    /// ("red fox" -> "edray oxfay"). One rule for every word, so it can be learned from examples.
    public static func pigLatin(_ text: String) -> String {
        words(text).map { $0.count < 2 ? $0 + "ay" : String($0.dropFirst()) + String($0.prefix(1)) + "ay" }
            .joined(separator: " ")
    }

    /// Undoes `pigLatin` (drops "ay", moves the last letter back to the front).
    public static func fromPigLatin(_ text: String) -> String {
        words(text).map { word in
            guard word.hasSuffix("ay") else { return word }
            let core = word.dropLast(2)
            guard let last = core.last else { return String(core) }
            return String(last) + core.dropLast()
        }.joined(separator: " ")
    }

    /// Moves each ASCII letter `by` places along the alphabet, wrapping around ("cat", 1 -> "dbu";
    /// "zoo", 1 -> "app"); other characters are kept.
    public static func shift(_ text: String, by offset: Int) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            for base in [UInt32(97), UInt32(65)] where scalar.value >= base && scalar.value < base + 26 {
                let moved = (Int(scalar.value - base) + offset % 26 + 26) % 26
                return Unicode.Scalar(base + UInt32(moved))!
            }
            return scalar
        }))
    }

    /// A capital at the start of every word, the rest lower case ("the red FOX" -> "The Red Fox").
    public static func titleCase(_ text: String) -> String {
        words(text).map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined(separator: " ")
    }

    /// The letters of `word` in reverse order.
    public static func reversedLetters(_ word: String) -> String { String(word.reversed()) }

    /// Each item once, at its first position.
    public static func dedupe(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }

    /// Alphabetical order ignoring case (ties keep their order).
    public static func sortedAlphabetically(_ items: [String]) -> [String] {
        items.enumerated().sorted { a, b in
            let x = a.element.lowercased(), y = b.element.lowercased()
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }

    /// How many times `letter` occurs in `word`, ignoring case.
    public static func count(letter: Character, in word: String) -> Int {
        let l = letter.lowercased()
        return word.lowercased().filter { String($0) == l }.count
    }

    /// Items written as the tasks write lists: "apple, fig, pear".
    public static func joinList(_ items: [String]) -> String { items.joined(separator: ", ") }

    /// The words of `text` split on spaces.
    public static func words(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }
}
