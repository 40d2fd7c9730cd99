/// SentencePiece's `Normalizer` for models without a precompiled character map (Gemma's "identity"
/// rule): invalid UTF-8 becomes U+FFFD one byte at a time, user-defined symbols pass through untouched,
/// and the NormalizerSpec flags are honoured: add_dummy_prefix (a leading space, or trailing with
/// treat_whitespace_as_suffix), remove_extra_whitespaces (drop leading/trailing spaces, collapse runs),
/// escape_whitespaces (' ' -> U+2581).
struct SentencePieceNormalizer {
    var addDummyPrefix: Bool
    var removeExtraWhitespaces: Bool
    var escapeWhitespaces: Bool
    var treatWhitespaceAsSuffix: Bool
    /// User-defined symbols, matched before anything else.
    var userDefined: PrefixMatcher

    private static let space: UInt8 = 0x20

    /// Normalizes UTF-8 `input` (which may be malformed) into UTF-8 for the BPE model.
    func normalize(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count + input.count / 2 + 3)
        var position = 0
        let end = input.count

        // One "normalization unit" at `i`: a user-defined symbol, a valid character, or one bad byte.
        @inline(__always) func unit(at i: Int) -> (replacement: Bool, length: Int) {
            if let match = userDefined.longestMatch(input, from: i, to: end) { return (false, match.length) }
            if let length = UTF8Scanning.validLength(input, at: i, end: end) { return (false, length) }
            return (true, 1)
        }

        if !treatWhitespaceAsSuffix && removeExtraWhitespaces {
            while position < end {
                let u = unit(at: position)
                guard !u.replacement && u.length == 1 && input[position] == Self.space else { break }
                position += 1
            }
        }
        if position == end { return output }

        @inline(__always) func appendSpaceSymbol() {
            if escapeWhitespaces { output.append(contentsOf: UTF8Scanning.metaspace) } else { output.append(Self.space) }
        }
        if !treatWhitespaceAsSuffix && addDummyPrefix { appendSpaceSymbol() }

        var previousWasSpace = removeExtraWhitespaces
        while position < end {
            let u = unit(at: position)
            if u.replacement {
                output.append(contentsOf: UTF8Scanning.replacementCharacter)
                previousWasSpace = false
            } else {
                var start = position
                let stop = position + u.length
                // Drop leading spaces of this unit if the previous one ended with a space.
                while previousWasSpace && start < stop && input[start] == Self.space { start += 1 }
                if start < stop {
                    for k in start..<stop {
                        if escapeWhitespaces && input[k] == Self.space {
                            output.append(contentsOf: UTF8Scanning.metaspace)
                        } else {
                            output.append(input[k])
                        }
                    }
                    previousWasSpace = input[stop - 1] == Self.space
                }
            }
            position += u.length
            if !removeExtraWhitespaces { previousWasSpace = false }
        }

        if removeExtraWhitespaces {
            let symbol = escapeWhitespaces ? UTF8Scanning.metaspace : [Self.space]
            while output.count >= symbol.count && Array(output[(output.count - symbol.count)...]) == symbol {
                output.removeLast(symbol.count)
            }
        }
        if treatWhitespaceAsSuffix && addDummyPrefix { appendSpaceSymbol() }
        return output
    }
}
