/// A text tokenizer as a model sees it: text to ids and back.
public protocol Tokenizer: Sendable {
    /// Number of ids (the model's vocabulary size may be larger).
    var vocabularySize: Int { get }
    /// The beginning-of-sequence id (negative if the vocabulary has none).
    var bosID: TokenID { get }
    /// The end-of-sequence id (negative if the vocabulary has none).
    var eosID: TokenID { get }
    /// The padding id (negative if the vocabulary has none).
    var padID: TokenID { get }
    /// Encodes `text`; with `addBOS`, the tokenizer's special tokens are added as HF's tokenizer does by
    /// default (`add_special_tokens=True`): `<bos>` prepended for Gemma, plus `<eos>` if configured.
    func encode(_ text: String, addBOS: Bool) -> [TokenID]
    /// The piece (vocabulary string) of an id, e.g. "▁the" or "<0x0A>"; nil for unknown ids.
    func piece(for id: TokenID) -> String?
    /// The id of a piece, if it is in the vocabulary.
    func id(forPiece piece: String) -> TokenID?
    /// The bytes `ids` decode to (byte-fallback pieces become raw bytes; may be invalid UTF-8 mid-stream).
    /// Control / special tokens decode to nothing, as in sentencepiece and `skip_special_tokens=True`.
    func decodeBytes(_ ids: [TokenID]) -> [UInt8]
    /// Appends the bytes of one id decoded as part of a sequence. `state` carries what the tokenizer
    /// needs to know about the ids before (e.g. "strip the first piece's leading space"), so that
    /// appending ids one by one yields exactly `decodeBytes(ids)`. Used by `StreamingDetokenizer`.
    func appendDecodedBytes(of id: TokenID, to bytes: inout [UInt8], state: inout DecodeState)
    /// Whether `id` is a control / special token (never produced from plain text by SentencePiece,
    /// skipped when decoding).
    func isSpecial(_ id: TokenID) -> Bool
}

/// Decoding state carried from one id to the next (see `Tokenizer.appendDecodedBytes`).
public struct DecodeState: Sendable, Equatable {
    /// Ids that reached the decoder (not skipped as special).
    public internal(set) var decodedTokens = 0
    /// Bytes produced so far.
    public internal(set) var producedBytes = 0
    /// SentencePiece: still expecting the dummy-prefix space to strip (`is_bos_ws`).
    var expectingLeadingSpace = true
    /// SentencePiece: the previous piece consumed the leading space (`bos_ws_seen`).
    var consumedLeadingSpace = false
    /// tokenizer.json `Strip` decoder after `Fuse`: leading characters still to strip (-1: not started).
    var leadingStripRemaining = -1

    public init() {}
}

extension Tokenizer {
    /// Decodes ids to text (invalid UTF-8 is replaced by U+FFFD).
    public func decode(_ ids: [TokenID]) -> String {
        String(decoding: decodeBytes(ids), as: UTF8.self)
    }

    public func appendDecodedBytes(of id: TokenID, to bytes: inout [UInt8], state: inout DecodeState) {
        let decoded = decodeBytes([id])
        bytes.append(contentsOf: decoded)
        state.decodedTokens += 1
        state.producedBytes += decoded.count
    }

    public func isSpecial(_ id: TokenID) -> Bool { false }

    /// The pieces of `ids` (an unknown id shows as "<id N>"), for display.
    public func pieces(for ids: [TokenID]) -> [String] {
        ids.map { piece(for: $0) ?? "<id \($0)>" }
    }
}
