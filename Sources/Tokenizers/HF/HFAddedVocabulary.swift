/// tokenizer.json `added_tokens`: strings matched in the text before the model sees it (leftmost,
/// longest first), honouring single_word, lstrip, rstrip; `normalized` ones are matched in the
/// normalized text, the others in the raw text (tokenizers' `AddedVocabulary`).
struct HFAddedVocabulary {
    struct Token {
        var id: TokenID
        var content: String
        var singleWord: Bool
        var lstrip: Bool
        var rstrip: Bool
        var normalized: Bool
        var special: Bool
    }

    /// A piece of text after splitting: either an added token or text for the model.
    enum Piece {
        case token(TokenID)
        case text(ArraySlice<UInt8>)
    }

    let tokens: [Token]
    let byID: [TokenID: Int]
    let byContent: [String: Int]
    private let rawMatcher: PrefixMatcher
    private let normalizedMatcher: PrefixMatcher

    init(_ node: JSONNode, normalizer: HFNormalizer?) throws {
        var tokens: [Token] = []
        if !node.isNull {
            for item in try node.array() {
                tokens.append(Token(
                    id: try item["id"].tokenID(), content: try item["content"].string(),
                    singleWord: try item["single_word"].optionalBool() ?? false, lstrip: try item["lstrip"].optionalBool() ?? false,
                    rstrip: try item["rstrip"].optionalBool() ?? false, normalized: try item["normalized"].optionalBool() ?? true,
                    special: try item["special"].optionalBool() ?? false))
            }
        }
        self.tokens = tokens
        var byID: [TokenID: Int] = [:], byContent: [String: Int] = [:]
        var raw = PrefixMatcher(), normalized = PrefixMatcher()
        for (index, token) in tokens.enumerated() {
            byID[token.id] = index
            byContent[token.content] = index
            guard !token.content.isEmpty else { continue }
            if token.normalized {
                let pattern = normalizer?.apply(Array(token.content.utf8)) ?? Array(token.content.utf8)
                normalized.insert(pattern, value: Int32(index))
            } else {
                raw.insert(Array(token.content.utf8), value: Int32(index))
            }
        }
        self.byID = byID
        self.byContent = byContent
        rawMatcher = raw
        normalizedMatcher = normalized
    }

    var hasNormalizedTokens: Bool { !normalizedMatcher.isEmpty }
    var hasRawTokens: Bool { !rawMatcher.isEmpty }

    /// Splits `bytes` on the raw (`normalized: false`) or normalized added tokens.
    func split(_ bytes: ArraySlice<UInt8>, normalizedTokens: Bool, into pieces: inout [Piece]) {
        let matcher = normalizedTokens ? normalizedMatcher : rawMatcher
        if matcher.isEmpty {
            if !bytes.isEmpty { pieces.append(.text(bytes)) }
            return
        }
        let array = Array(bytes)
        array.withUnsafeBufferPointer { buffer in
            let n = buffer.count
            var start = 0          // start of the pending text
            var i = 0
            while i < n {
                guard let match = matcher.longestMatch(buffer, from: i, to: n) else { i += 1; continue }
                let token = tokens[Int(match.value)]
                var from = i, to = i + match.length
                if token.singleWord {
                    let before = i == 0 ? nil : Self.lastScalar(buffer, before: i)
                    let after = to == n ? nil : Self.firstScalar(buffer, at: to)
                    if before.map(UnicodeClasses.isWord) == true || after.map(UnicodeClasses.isWord) == true {
                        i = to    // the matcher consumed it; tokenizers does not retry inside
                        continue
                    }
                }
                if token.lstrip {
                    var s = from
                    while s > start, let scalar = Self.lastScalar(buffer, before: s), UnicodeClasses.isWhitespace(scalar) {
                        s -= scalar.utf8.count
                    }
                    from = max(s, start)
                }
                if token.rstrip {
                    while to < n, let scalar = Self.firstScalar(buffer, at: to), UnicodeClasses.isWhitespace(scalar) {
                        to += scalar.utf8.count
                    }
                }
                if start < from { pieces.append(.text(bytes[(bytes.startIndex + start)..<(bytes.startIndex + from)])) }
                pieces.append(.token(token.id))
                start = to
                i = to
            }
            if start < n { pieces.append(.text(bytes[(bytes.startIndex + start)...])) }
        }
    }

    static func firstScalar(_ buffer: UnsafeBufferPointer<UInt8>, at i: Int) -> Unicode.Scalar? {
        let length = min(buffer.count - i, UTF8Scanning.leadLength(buffer[i]))
        return String(decoding: UnsafeBufferPointer(rebasing: buffer[i..<(i + length)]), as: UTF8.self).unicodeScalars.first
    }

    static func lastScalar(_ buffer: UnsafeBufferPointer<UInt8>, before end: Int) -> Unicode.Scalar? {
        var s = end - 1
        while s > 0 && buffer[s] & 0xC0 == 0x80 { s -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: buffer[s..<end]), as: UTF8.self).unicodeScalars.first
    }
}
