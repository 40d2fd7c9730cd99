/// tokenizer.json `pre_tokenizer`s: split a normalized segment into the words the model encodes
/// separately. Implemented: Split (string pattern, every delimiter behaviour, invert), Metaspace,
/// ByteLevel (GPT-2 split + byte-to-unicode map), Digits, WhitespaceSplit, Whitespace, Sequence.
indirect enum HFPreTokenizer {
    enum Behavior: String { case removed = "Removed", isolated = "Isolated", mergedWithPrevious = "MergedWithPrevious",
                            mergedWithNext = "MergedWithNext", contiguous = "Contiguous" }
    enum PrependScheme: String { case always, first, never }

    case split(pattern: [UInt8], behavior: Behavior, invert: Bool)
    case metaspace(replacement: [UInt8], prependScheme: PrependScheme, split: Bool)
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    case digits(individual: Bool)
    case whitespaceSplit
    case whitespace
    case sequence([HFPreTokenizer])

    /// A word in progress; `atInputStart` is tokenizers' "original offset is 0" (Metaspace `first`).
    struct Word {
        var bytes: [UInt8]
        var atInputStart: Bool
    }

    static func parse(_ node: JSONNode) throws -> HFPreTokenizer? {
        if node.isNull { return nil }
        let type = try node["type"].string()
        switch type {
        case "Split":
            let raw = try node["behavior"].string()
            guard let behavior = Behavior(rawValue: raw) else {
                throw TokenizerError.unsupported(file: node.file, field: "\(node.path).behavior", value: "\"\(raw)\"")
            }
            return .split(pattern: Array(try HFNormalizer.stringPattern(node["pattern"]).utf8), behavior: behavior,
                          invert: try node["invert"].optionalBool() ?? false)
        case "Metaspace":
            let replacement = try node["replacement"].optionalString() ?? "\u{2581}"
            var scheme = PrependScheme.always
            if let raw = try node["prepend_scheme"].optionalString() {
                guard let parsed = PrependScheme(rawValue: raw) else {
                    throw TokenizerError.unsupported(file: node.file, field: "\(node.path).prepend_scheme", value: "\"\(raw)\"")
                }
                scheme = parsed
            } else if let add = try node["add_prefix_space"].optionalBool() {
                scheme = add ? .always : .never   // files written before prepend_scheme existed
            }
            return .metaspace(replacement: Array(replacement.utf8), prependScheme: scheme, split: try node["split"].optionalBool() ?? true)
        case "ByteLevel":
            return .byteLevel(addPrefixSpace: try node["add_prefix_space"].optionalBool() ?? true,
                              useRegex: try node["use_regex"].optionalBool() ?? true)
        case "Digits":
            return .digits(individual: try node["individual_digits"].optionalBool() ?? false)
        case "WhitespaceSplit": return .whitespaceSplit
        case "Whitespace": return .whitespace
        case "Sequence":
            return .sequence(try node["pretokenizers"].array().compactMap { try parse($0) })
        default:
            throw TokenizerError.unsupported(file: node.file, field: "\(node.path).type", value: "pre_tokenizer \"\(type)\"")
        }
    }

    /// Splits every word of `words`.
    func apply(_ words: [Word]) -> [Word] {
        switch self {
        case let .sequence(steps):
            return steps.reduce(words) { $1.apply($0) }
        default:
            var out: [Word] = []
            out.reserveCapacity(words.count)
            for word in words { split(word, into: &out) }
            return out
        }
    }

    private func split(_ word: Word, into out: inout [Word]) {
        switch self {
        case let .split(pattern, behavior, invert):
            Self.emit(word, Self.literalMatches(word.bytes, pattern, invert: invert), behavior, into: &out)
        case let .metaspace(replacement, scheme, split):
            var bytes = HFNormalizer.replacing(word.bytes, [0x20], replacement)
            let prepend = scheme == .always || (scheme == .first && word.atInputStart)
            if prepend && !bytes.starts(with: replacement) { bytes = replacement + bytes }
            let replaced = Word(bytes: bytes, atInputStart: word.atInputStart)
            if split {
                Self.emit(replaced, Self.literalMatches(bytes, replacement, invert: false), .mergedWithNext, into: &out)
            } else if !bytes.isEmpty {
                out.append(replaced)
            }
        case let .byteLevel(addPrefixSpace, useRegex):
            var bytes = word.bytes
            if addPrefixSpace && bytes.first != 0x20 { bytes.insert(0x20, at: 0) }
            var pieces: [Word] = []
            if useRegex {
                Self.emit(Word(bytes: bytes, atInputStart: word.atInputStart), ByteLevelMapping.gpt2Matches(bytes), .isolated, into: &pieces)
            } else if !bytes.isEmpty {
                pieces = [Word(bytes: bytes, atInputStart: word.atInputStart)]
            }
            for piece in pieces { out.append(Word(bytes: ByteLevelMapping.encode(piece.bytes), atInputStart: piece.atInputStart)) }
        case let .digits(individual):
            let matches = Self.scalarMatches(word.bytes) { UnicodeClasses.isNumber($0) }
            Self.emit(word, matches, individual ? .isolated : .contiguous, into: &out)
        case .whitespaceSplit:
            let matches = Self.scalarMatches(word.bytes) { UnicodeClasses.isWhitespace($0) }
            Self.emit(word, Self.coalesced(matches), .removed, into: &out)
        case .whitespace:
            // \w+|[^\w\s]+ : runs of word characters and runs of other non-space characters.
            var ranges: [(Range<Int>, Bool)] = []
            var last: Int? = nil    // 0 word, 1 other, 2 space
            for (range, scalar) in Self.scalars(word.bytes) {
                let kind = UnicodeClasses.isWord(scalar) ? 0 : UnicodeClasses.isWhitespace(scalar) ? 2 : 1
                if kind == last && kind != 2, let previous = ranges.popLast() {
                    ranges.append((previous.0.lowerBound..<range.upperBound, true))
                } else {
                    ranges.append((range, kind != 2))
                }
                last = kind
            }
            Self.emit(word, ranges.map { ($0.0, !$0.1) }, .removed, into: &out)
        case .sequence:
            out += apply([word])
        }
    }

    // MARK: Splitting helpers (tokenizers' NormalizedString::split)

    /// Ranges covering `bytes`, each flagged as a match of `pattern` or not.
    static func literalMatches(_ bytes: [UInt8], _ pattern: [UInt8], invert: Bool) -> [(Range<Int>, Bool)] {
        var result: [(Range<Int>, Bool)] = []
        let n = bytes.count, m = pattern.count
        guard m > 0 else { return [(0..<n, invert)] }
        var start = 0, i = 0
        while i + m <= n {
            if bytes[i] == pattern[0] && Array(bytes[i..<(i + m)]) == pattern {
                if start < i { result.append((start..<i, invert)) }
                result.append((i..<(i + m), !invert))
                i += m
                start = i
            } else {
                i += 1
            }
        }
        if start < n { result.append((start..<n, invert)) }
        return result
    }

    static func scalars(_ bytes: [UInt8]) -> [(Range<Int>, Unicode.Scalar)] {
        var result: [(Range<Int>, Unicode.Scalar)] = []
        var offset = 0
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            let length = UTF8.width(scalar)
            result.append((offset..<(offset + length), scalar))
            offset += length
        }
        return result
    }

    /// One range per character, flagged by `predicate` (a char-predicate pattern matches each char alone).
    static func scalarMatches(_ bytes: [UInt8], _ predicate: (Unicode.Scalar) -> Bool) -> [(Range<Int>, Bool)] {
        var result: [(Range<Int>, Bool)] = []
        for (range, scalar) in scalars(bytes) {
            let matched = predicate(scalar)
            if !matched, let last = result.last, !last.1 {
                result[result.count - 1] = (last.0.lowerBound..<range.upperBound, false)
            } else {
                result.append((range, matched))
            }
        }
        return result
    }

    static func coalesced(_ ranges: [(Range<Int>, Bool)]) -> [(Range<Int>, Bool)] {
        var out: [(Range<Int>, Bool)] = []
        for r in ranges {
            if let last = out.last, last.1 == r.1 { out[out.count - 1] = (last.0.lowerBound..<r.0.upperBound, r.1) } else { out.append(r) }
        }
        return out
    }

    /// Applies a delimiter behaviour to flagged ranges and appends the non-empty resulting words.
    static func emit(_ word: Word, _ matches: [(Range<Int>, Bool)], _ behavior: Behavior, into out: inout [Word]) {
        var pieces: [(Range<Int>, remove: Bool)] = []
        switch behavior {
        case .isolated:
            pieces = matches.map { ($0.0, false) }
        case .removed:
            pieces = matches.map { ($0.0, $0.1) }
        case .contiguous:
            var previous = false
            for (range, isMatch) in matches {
                if isMatch == previous, let last = pieces.last {
                    pieces[pieces.count - 1] = (last.0.lowerBound..<range.upperBound, false)
                } else {
                    pieces.append((range, false))
                }
                previous = isMatch
            }
        case .mergedWithPrevious:
            var previous = false
            for (range, isMatch) in matches {
                if isMatch && !previous, let last = pieces.last {
                    pieces[pieces.count - 1] = (last.0.lowerBound..<range.upperBound, false)
                } else {
                    pieces.append((range, false))
                }
                previous = isMatch
            }
        case .mergedWithNext:
            var previous = false
            for (range, isMatch) in matches.reversed() {
                if isMatch && !previous, let last = pieces.last {
                    pieces[pieces.count - 1] = (range.lowerBound..<last.0.upperBound, false)
                } else {
                    pieces.append((range, false))
                }
                previous = isMatch
            }
            pieces.reverse()
        }
        for (range, remove) in pieces where !remove && !range.isEmpty {
            out.append(Word(bytes: Array(word.bytes[range]), atInputStart: word.atInputStart && range.lowerBound == 0))
        }
    }
}
