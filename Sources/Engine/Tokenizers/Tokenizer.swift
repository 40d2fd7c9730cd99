/// A text tokenizer as a model sees it: text to ids and back.
public protocol Tokenizer: Sendable {
    /// Number of ids (the model's vocabulary size may be larger).
    var vocabularySize: Int { get }
    var bosID: TokenID { get }
    var eosID: TokenID { get }
    var padID: TokenID { get }
    /// Encodes `text`; with `addBOS`, `<bos>` is prepended (as HF's tokenizer does by default).
    func encode(_ text: String, addBOS: Bool) -> [TokenID]
    /// The piece (vocabulary string) of an id, e.g. "▁the" or "<0x0A>"; nil for unknown ids.
    func piece(for id: TokenID) -> String?
    /// The id of a piece, if it is in the vocabulary.
    func id(forPiece piece: String) -> TokenID?
    /// The bytes `ids` decode to (byte-fallback pieces become raw bytes; may be invalid UTF-8 mid-stream).
    func decodeBytes(_ ids: [TokenID]) -> [UInt8]
}

extension Tokenizer {
    /// Decodes ids to text (invalid UTF-8 is replaced by U+FFFD).
    public func decode(_ ids: [TokenID]) -> String {
        String(decoding: decodeBytes(ids), as: UTF8.self)
    }
}
