/// Splits training text into the words BPE merges are counted within, the way SentencePiece's trainer
/// does for Gemma: ' ' becomes U+2581 and starts a word (a run of spaces keeps all but the last as a
/// whitespace-only word), every decimal digit is a word of its own (so no merge ever joins digits),
/// runs of other whitespace (\n, \t) are words, and letters are split from punctuation/symbols.
/// Marks, joiners and variation selectors stay with the character before them (emoji sequences).
/// Words are only a training device: encoding runs BPE over the whole text, as Gemma's tokenizer does.
struct TrainingWords {
    /// Distinct words in first-seen order (deterministic without sorting) and their counts.
    private(set) var words: [[Unicode.Scalar]] = []
    private(set) var counts: [Int] = []
    private var index: [String: Int32] = [:]

    static let metaspace: Unicode.Scalar = "\u{2581}"

    enum Kind: Equatable { case letter, punctuation, digit, space, metaspace }

    static func kind(_ s: Unicode.Scalar, previous: Kind?) -> Kind {
        if s == " " || s == metaspace { return .metaspace }
        if s.isASCII {
            let v = s.value
            if v >= 0x30 && v <= 0x39 { return .digit }
            if (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) { return .letter }
            if v == 0x09 || v == 0x0A || v == 0x0B || v == 0x0C || v == 0x0D { return .space }
            return .punctuation
        }
        let properties = s.properties
        if properties.isWhitespace { return .space }
        switch properties.generalCategory {
        case .decimalNumber: return .digit
        case .nonspacingMark, .spacingMark, .enclosingMark, .format, .modifierSymbol:
            // Combining marks, ZWJ, variation selectors, skin tones: part of the previous character.
            if let previous, previous != .space, previous != .metaspace, previous != .digit { return previous }
            return properties.isAlphabetic ? .letter : .punctuation
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .letterNumber, .otherNumber:
            return .letter
        default:
            return properties.isAlphabetic ? .letter : .punctuation
        }
    }

    /// Adds the words of one text.
    mutating func add(_ text: String) {
        var current: [Unicode.Scalar] = []
        var currentKind: Kind? = nil
        var previousKind: Kind? = nil
        var pendingSpaces = 0      // U+2581s not yet attached to a word

        func flushSpaces(keepingOne: Bool) {
            let n = keepingOne ? pendingSpaces - 1 : pendingSpaces
            if n > 0 { addWord([Unicode.Scalar](repeating: Self.metaspace, count: n)) }
            pendingSpaces = keepingOne ? 1 : 0
        }
        func flushWord() {
            if !current.isEmpty { addWord(current) }
            current.removeAll(keepingCapacity: true)
            currentKind = nil
        }

        for scalar in text.unicodeScalars {
            let kind = Self.kind(scalar, previous: previousKind)
            previousKind = kind
            switch kind {
            case .metaspace:
                flushWord()
                pendingSpaces += 1
            case .digit:
                flushWord()
                flushSpaces(keepingOne: false)
                addWord([scalar])
            case .space:
                if currentKind != .space { flushWord(); flushSpaces(keepingOne: false) }
                current.append(scalar)
                currentKind = .space
            case .letter, .punctuation:
                if currentKind != kind || pendingSpaces > 0 {
                    flushWord()
                    if pendingSpaces > 0 {
                        flushSpaces(keepingOne: true)
                        current.append(Self.metaspace)
                        pendingSpaces = 0
                    }
                }
                current.append(scalar)
                currentKind = kind
            }
        }
        flushWord()
        flushSpaces(keepingOne: false)
    }

    private mutating func addWord(_ word: [Unicode.Scalar]) {
        var key = String.UnicodeScalarView()
        key.append(contentsOf: word)
        let string = String(key)
        if let i = index[string] {
            counts[Int(i)] += 1
        } else {
            index[string] = Int32(words.count)
            words.append(word)
            counts.append(1)
        }
    }
}
