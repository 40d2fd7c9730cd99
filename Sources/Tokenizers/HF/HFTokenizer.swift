import Foundation

/// A Hugging Face fast tokenizer read from `tokenizer.json`, matching the `tokenizers` library id for id
/// for the BPE pipelines Gemma and Duet's own trainer write: added tokens split out first (special or
/// not, with their single_word/lstrip/rstrip/normalized flags), then normalizer, pre-tokenizer, ranked
/// BPE with byte fallback, and the post-processor's special tokens when `addBOS` is true.
public final class HFTokenizer: Tokenizer {
    public let vocabularySize: Int
    public let bosID: TokenID
    public let eosID: TokenID
    public let padID: TokenID

    let model: HFBPEModel
    let addedVocabulary: HFAddedVocabulary
    let normalizer: HFNormalizer?
    let preTokenizer: HFPreTokenizer?
    let postProcessor: HFPostProcessor
    let decoder: HFDecoder
    /// Where the tokenizer was read from (the file path, or a description for in-memory data).
    public let source: String

    /// Reads `tokenizer.json`.
    public convenience init(contentsOf url: URL) throws {
        try self.init(contentsOf: url, config: nil)
    }

    /// Reads `tokenizer.json`, applying tokenizer_config.json settings.
    public convenience init(contentsOf url: URL, config: TokenizerConfig?) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        try self.init(data: data, source: url.path, config: config)
    }

    /// Parses tokenizer.json contents; `source` names them in errors.
    public convenience init(data: Data, source: String) throws {
        try self.init(data: data, source: source, config: nil)
    }

    /// Parses tokenizer.json contents with tokenizer_config.json settings: an explicit add_bos_token /
    /// add_eos_token replaces the post-processor with `[bos] $A [eos]` as transformers 5 does, and the
    /// configured bos/eos/pad tokens define `bosID`/`eosID`/`padID`.
    public init(data: Data, source: String, config: TokenizerConfig?) throws {
        let root = try JSONNode.parse(data, file: source)
        _ = try root.object()
        self.source = source
        guard !root["model"].isNull else { throw TokenizerError.missingField(file: source, field: "model") }
        model = try HFBPEModel(root["model"])
        normalizer = try HFNormalizer.parse(root["normalizer"])
        addedVocabulary = try HFAddedVocabulary(root["added_tokens"], normalizer: normalizer)
        preTokenizer = try HFPreTokenizer.parse(root["pre_tokenizer"])
        decoder = try HFDecoder(root["decoder"])
        var post = try HFPostProcessor(root["post_processor"])
        vocabularySize = max(model.tokens.count, (addedVocabulary.tokens.map { Int($0.id) }.max() ?? -1) + 1)

        let model = self.model, added = self.addedVocabulary
        func lookup(_ name: String?) -> TokenID? {
            guard let name else { return nil }
            if let index = added.byContent[name] { return added.tokens[index].id }
            return model.vocab.lookup(name.utf8)
        }
        func firstKnown(_ names: [String]) -> TokenID? { names.lazy.compactMap(lookup).first }
        let bos = lookup(config?.bosToken) ?? post.prefix.first ?? firstKnown(["<bos>", "<s>", "<|begin_of_text|>", "<|endoftext|>"])
        let eos = lookup(config?.eosToken) ?? post.suffix.last ?? firstKnown(["<eos>", "</s>", "<|end_of_text|>", "<|endoftext|>"])
        bosID = bos ?? -1
        eosID = eos ?? -1
        padID = lookup(config?.padToken) ?? firstKnown(["<pad>", "[PAD]"]) ?? -1
        if let config, config.addBOSToken != nil || config.addEOSToken != nil {
            post = HFPostProcessor(prefix: config.addBOSToken == true && bosID >= 0 ? [bosID] : [],
                                   suffix: config.addEOSToken == true && eosID >= 0 ? [eosID] : [])
        }
        postProcessor = post
    }

    // MARK: Encoding

    public func encode(_ text: String, addBOS: Bool) -> [TokenID] {
        encode(text, addBOS: addBOS, quadraticReference: false)
    }

    /// Encodes with a textbook O(n²) merge loop (rescan every pair, merge the best, repeat) instead of
    /// the heap. Same ids; used as an independent oracle in tests and as the `duet bench tokenizer` baseline.
    public func encodeWithQuadraticReference(_ text: String, addBOS: Bool) -> [TokenID] {
        encode(text, addBOS: addBOS, quadraticReference: true)
    }

    func encode(_ text: String, addBOS: Bool, quadraticReference: Bool) -> [TokenID] {
        var ids: [TokenID] = []
        ids.reserveCapacity(text.utf8.count / 3 + 4)
        if addBOS { ids += postProcessor.prefix }
        var raw: [HFAddedVocabulary.Piece] = []
        addedVocabulary.split(ArraySlice(text.utf8), normalizedTokens: false, into: &raw)
        var atInputStart = true
        for piece in raw {
            switch piece {
            case let .token(id):
                ids.append(id)
            case let .text(bytes):
                let normalized = normalizer?.apply(Array(bytes)) ?? Array(bytes)
                var pieces: [HFAddedVocabulary.Piece] = []
                addedVocabulary.split(normalized[...], normalizedTokens: true, into: &pieces)
                for inner in pieces {
                    switch inner {
                    case let .token(id): ids.append(id)
                    case let .text(segment):
                        encodeSegment(Array(segment), atInputStart: atInputStart && segment.startIndex == 0,
                                      quadraticReference: quadraticReference, into: &ids)
                    }
                }
            }
            atInputStart = false
        }
        if addBOS { ids += postProcessor.suffix }
        return ids
    }

    private func encodeSegment(_ bytes: [UInt8], atInputStart: Bool, quadraticReference: Bool, into ids: inout [TokenID]) {
        let word = HFPreTokenizer.Word(bytes: bytes, atInputStart: atInputStart)
        let words = preTokenizer?.apply([word]) ?? [word]
        for w in words {
            w.bytes.withUnsafeBufferPointer { model.tokenize($0, quadraticReference: quadraticReference, into: &ids) }
        }
    }

    // MARK: Decoding

    public func piece(for id: TokenID) -> String? {
        if let index = addedVocabulary.byID[id] { return addedVocabulary.tokens[index].content }
        guard id >= 0 && Int(id) < model.tokens.count else { return nil }
        return model.tokens[Int(id)]
    }

    public func id(forPiece piece: String) -> TokenID? {
        if let index = addedVocabulary.byContent[piece] { return addedVocabulary.tokens[index].id }
        return model.vocab.lookup(piece.utf8)
    }

    public func isSpecial(_ id: TokenID) -> Bool {
        addedVocabulary.byID[id].map { addedVocabulary.tokens[$0].special } ?? false
    }

    public func decodeBytes(_ ids: [TokenID]) -> [UInt8] {
        var bytes: [UInt8] = []
        var state = DecodeState()
        for id in ids { appendDecodedBytes(of: id, to: &bytes, state: &state) }
        // A Strip decoder after Fuse also trims the end of the whole text (not possible while streaming).
        for step in decoder.steps {
            if case let .strip(content, _, stop) = step, stop > 0,
               decoder.steps.contains(where: { if case .fuse = $0 { return true } else { return false } }) {
                bytes = HFDecoder.strip(bytes, content, start: 0, stop: stop)
            }
        }
        return bytes
    }

    /// tokenizers' `decode(ids, skip_special_tokens=True)`, token by token: special added tokens are
    /// skipped; other ids go through the decoder chain. Unknown ids are skipped.
    public func appendDecodedBytes(of id: TokenID, to bytes: inout [UInt8], state: inout DecodeState) {
        if isSpecial(id) { return }
        guard let token = piece(for: id) else { return }
        decoder.append(Array(token.utf8), to: &bytes, state: &state)
    }
}
