/// UTF-8 helpers shared by the tokenizers (and the engine's check of training text).
public enum UTF8Scanning {
    /// SentencePiece's `OneCharLen`: the length implied by a lead byte alone (continuation bytes and
    /// invalid leads count as 1), which is how it splits already-validated normalized text.
    @inline(__always)
    static func leadLength(_ byte: UInt8) -> Int {
        switch byte >> 4 {
        case 0xC, 0xD: return 2
        case 0xE: return 3
        case 0xF: return 4
        default: return 1
        }
    }

    /// The length of the well-formed UTF-8 scalar at `i`, or nil if the bytes there are not one
    /// (truncated, overlong, surrogate, above U+10FFFF): SentencePiece's `IsValidDecodeUTF8`.
    /// Inlinable: the engine calls it per scalar when it checks training text.
    @inlinable @inline(__always)
    public static func validLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, end: Int) -> Int? {
        let b0 = bytes[i]
        if b0 < 0x80 { return 1 }
        @inline(__always) func cont(_ k: Int) -> Bool { i + k < end && bytes[i + k] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF:
            return cont(1) ? 2 : nil
        case 0xE0...0xEF:
            guard cont(1), cont(2) else { return nil }
            let b1 = bytes[i + 1]
            if b0 == 0xE0 && b1 < 0xA0 { return nil }           // overlong
            if b0 == 0xED && b1 > 0x9F { return nil }           // surrogates
            return 3
        case 0xF0...0xF4:
            guard cont(1), cont(2), cont(3) else { return nil }
            let b1 = bytes[i + 1]
            if b0 == 0xF0 && b1 < 0x90 { return nil }           // overlong
            if b0 == 0xF4 && b1 > 0x8F { return nil }           // above U+10FFFF
            return 4
        default:
            return nil
        }
    }

    /// Where a trailing, still-completable UTF-8 sequence starts (so a streaming decoder can hold it
    /// back), or `bytes.count` if the buffer ends on a boundary. A lead byte always starts a new
    /// maximal subpart, so decoding the prefix and the rest separately equals decoding the whole.
    static func incompleteSuffixStart(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        var i = n - 1
        while i >= 0 && i >= n - 3 {
            let b = bytes[i]
            if b & 0xC0 != 0x80 {   // a lead (or ASCII) byte
                let need: Int
                switch b {
                case 0xC2...0xDF: need = 2
                case 0xE0...0xEF: need = 3
                case 0xF0...0xF4: need = 4
                default: return n
                }
                let have = n - i
                if have >= need { return n }
                // The bytes after the lead must be a valid prefix of a sequence.
                if have >= 2 {
                    let b1 = bytes[i + 1]
                    if b == 0xE0 && b1 < 0xA0 { return n }
                    if b == 0xED && b1 > 0x9F { return n }
                    if b == 0xF0 && b1 < 0x90 { return n }
                    if b == 0xF4 && b1 > 0x8F { return n }
                }
                return i
            }
            i -= 1
        }
        return n
    }

    static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]
    /// U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's visible space.
    static let metaspace: [UInt8] = [0xE2, 0x96, 0x81]
}
