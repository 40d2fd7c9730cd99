/// Turns ids into text as they are generated. Bytes of a multi-byte character split across tokens
/// (byte-fallback pieces of an emoji, say) are held back until the character is complete, so every
/// returned string is whole characters, and the concatenation of all returned strings equals
/// `tokenizer.decode(ids)` (invalid bytes become U+FFFD, as there).
public struct StreamingDetokenizer {
    public let tokenizer: any Tokenizer
    private var state = DecodeState()
    private var pending: [UInt8] = []

    public init(tokenizer: any Tokenizer) {
        self.tokenizer = tokenizer
        pending.reserveCapacity(16)
    }

    /// Appends `id` and returns the text that is now complete (often "", never a partial character).
    public mutating func append(_ id: TokenID) -> String {
        tokenizer.appendDecodedBytes(of: id, to: &pending, state: &state)
        let cut = UTF8Scanning.incompleteSuffixStart(pending)
        if cut == 0 { return "" }
        let text = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// Returns whatever is held back (an unfinished character becomes U+FFFD) and starts a new sequence.
    public mutating func finish() -> String {
        let text = String(decoding: pending, as: UTF8.self)
        pending.removeAll(keepingCapacity: true)
        state = DecodeState()
        return text
    }
}
