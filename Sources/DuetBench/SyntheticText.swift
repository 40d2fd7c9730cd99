/// Deterministic multilingual filler text for benchmarks (no downloads): English prose, code with
/// indentation, CJK, Arabic, Cyrillic, emoji, numbers and whitespace runs, like the tokenizer goldens'
/// corpus (tools/golden/synthetic_corpus.py).
struct SyntheticText {
    private var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    private mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    private mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    private mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    static let english = ("the of and to in is was for that with as on by at from his her this which or had not but are were have "
        + "one all their there been has more when will would who so no if out up what about into than them can only other new "
        + "some could time these two may first then do any like my now over such our model token train learning language "
        + "attention encoder decoder layer weight gradient memory terminal window screen keyboard quickly river mountain").split(separator: " ").map(String.init)
    static let chinese = Array("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明")
    static let arabic = ["مرحبا", "العالم", "كتاب", "اللغة", "العربية", "شكرا", "مدرسة", "بيت"]
    static let cyrillic = ["привет", "мир", "язык", "модель", "Москва", "спасибо", "данные", "café", "naïve", "über"]
    static let emoji = ["😀", "😂", "👍", "👍🏽", "❤️", "🎉", "🚀", "👨‍👩‍👧‍👦", "🧑‍💻", "🇺🇸", "✨"]
    static let code = ["def f(x, y):\n    return x + y * 3\n", "for i in range(10):\n\tprint(i)\n",
                       "func g(_ a: Int) -> Int {\n    let b = a * 2\n    return b\n}\n", "<div class=\"a\">\n  <p>42</p>\n</div>\n"]

    mutating func piece() -> String {
        switch below(100) {
        case 0..<40:
            var words = (0..<(3 + below(12))).map { _ in pick(Self.english) }
            words[0] = words[0].prefix(1).uppercased() + words[0].dropFirst()
            return words.joined(separator: " ") + pick([".", ".", "?", "!", ",", ";"])
        case 40..<52: return String((0..<(4 + below(16))).map { _ in pick(Self.chinese) }) + "。"
        case 52..<58: return (0..<(2 + below(4))).map { _ in pick(Self.arabic) }.joined(separator: " ")
        case 58..<64: return (0..<(2 + below(4))).map { _ in pick(Self.cyrillic) }.joined(separator: " ")
        case 64..<70: return pick(Self.emoji) + pick(["", " "]) + pick(Self.emoji)
        case 70..<84: return pick(Self.code)
        case 84..<94: return "\(pick(Self.english)) \(below(100_000)) \(pick(Self.english)) \(below(2030))-\(1 + below(12))"
        default: return pick(["  ", "    ", "\t", "\n", "\n\n", "        "])
        }
    }

    /// About `bytes` bytes of paragraphs separated by newlines.
    mutating func text(bytes: Int) -> [String] {
        var paragraphs: [String] = []
        var size = 0
        while size < bytes {
            var paragraph = piece()
            for _ in 0..<below(6) { paragraph += pick([" ", " ", "\n", "  ", "\t"]) + piece() }
            size += paragraph.utf8.count + 1
            paragraphs.append(paragraph)
        }
        return paragraphs
    }
}
