import Foundation

/// A SentencePiece BPE tokenizer read from `tokenizer.model` (Gemma's format), matching the
/// `sentencepiece` library id for id: identity normalization with the NormalizerSpec flags, user-defined
/// symbols split out by longest match, score-ordered BPE merges (highest score, then leftmost), byte
/// fallback for characters outside the vocabulary, and decoding that restores the original bytes.
/// Control pieces (`<bos>`, `<eos>`, `<pad>`) are never produced from text.
public final class SentencePieceTokenizer: Tokenizer {
    public let vocabularySize: Int
    public let bosID: TokenID
    public let eosID: TokenID
    public let padID: TokenID
    /// The unknown-piece id.
    public let unknownID: TokenID
    /// Whether `encode(_:addBOS: true)` prepends BOS / appends EOS (tokenizer_config's add_bos_token / add_eos_token).
    public let addsBOS: Bool
    public let addsEOS: Bool

    let pieceBytes: [[UInt8]]
    let scores: [Float]
    let types: [SentencePieceModel.PieceType]
    /// NORMAL, USER_DEFINED and UNUSED pieces: the ones BPE may form (`pieces_` in sentencepiece).
    let mergeable: PieceTable
    /// CONTROL, UNKNOWN and BYTE pieces (`reserved_id_map_`), looked up first when naming a symbol.
    let reserved: PieceTable
    /// Id of `<0xXX>` for each byte, or -1.
    let byteIDs: [TokenID]
    /// The byte a BYTE piece stands for, or -1 for other ids.
    let byteValues: [Int16]
    let byteFallback: Bool
    let normalizer: SentencePieceNormalizer
    let unknownSurface: [UInt8]
    let stripsLeadingSpace: Bool
    let keepsStrippingLeadingSpace: Bool
    /// Where the tokenizer was read from (the file path, or a description for in-memory data).
    public let source: String

    /// Reads `tokenizer.model`.
    public convenience init(contentsOf url: URL) throws {
        try self.init(contentsOf: url, config: nil)
    }

    /// Reads `tokenizer.model`, applying tokenizer_config.json settings (add_bos_token, add_eos_token).
    public convenience init(contentsOf url: URL, config: TokenizerConfig?) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        try self.init(data: data, source: url.path, config: config)
    }

    /// Parses serialized `ModelProto` bytes; `source` names them in errors.
    public convenience init(data: Data, source: String) throws {
        try self.init(data: data, source: source, config: nil)
    }

    public init(data: Data, source: String, config: TokenizerConfig?) throws {
        let model = try SentencePieceModel(bytes: [UInt8](data), file: source)
        guard model.trainer.modelType == SentencePieceModel.ModelType.bpe.rawValue else {
            let name = SentencePieceModel.ModelType(rawValue: model.trainer.modelType).map { "\($0)".uppercased() } ?? "?"
            throw TokenizerError.unsupported(file: source, field: "TrainerSpec.model_type",
                                             value: "\(model.trainer.modelType) (\(name)); only BPE (2) is implemented")
        }
        guard model.normalizer.precompiledCharsmap.isEmpty else {
            throw TokenizerError.unsupported(file: source, field: "NormalizerSpec.precompiled_charsmap",
                                             value: "(rule \"\(model.normalizer.name)\"); only identity normalization is implemented")
        }
        self.source = source
        vocabularySize = model.pieces.count
        pieceBytes = model.pieces.map { Array($0.text.utf8) }
        scores = model.pieces.map(\.score)
        types = model.pieces.map(\.type)

        var mergeable = PieceTable(capacity: model.pieces.count)
        var reserved = PieceTable(capacity: 512)
        var userDefined = PrefixMatcher()
        var byteIDs = [TokenID](repeating: -1, count: 256)
        var unknown: TokenID = -1
        for (index, piece) in model.pieces.enumerated() {
            let id = TokenID(index)
            guard !piece.text.isEmpty else {
                throw TokenizerError.invalidValue(file: source, field: "ModelProto.pieces[\(index)].piece", reason: "empty piece")
            }
            let inserted: Bool
            switch piece.type {
            case .normal, .userDefined, .unused:
                inserted = mergeable.insert(piece.text.utf8, value: id) && reserved.lookup(piece.text.utf8) == nil
            case .control, .unknown, .byte:
                inserted = reserved.insert(piece.text.utf8, value: id) && mergeable.lookup(piece.text.utf8) == nil
            }
            guard inserted else {
                throw TokenizerError.invalidValue(file: source, field: "ModelProto.pieces[\(index)].piece",
                                                  reason: "\"\(piece.text)\" is already defined")
            }
            switch piece.type {
            case .userDefined: userDefined.insert(Array(piece.text.utf8), value: id)
            case .unknown: unknown = id
            case .byte:
                guard let value = Self.byteValue(of: piece.text) else {
                    throw TokenizerError.invalidValue(file: source, field: "ModelProto.pieces[\(index)].piece",
                                                      reason: "byte piece \"\(piece.text)\" is not <0xXX>")
                }
                byteIDs[Int(value)] = id
            default: break
            }
        }
        guard unknown >= 0 else {
            throw TokenizerError.missingField(file: source, field: "an UNKNOWN (type 2) piece")
        }
        self.mergeable = mergeable
        self.reserved = reserved
        self.byteIDs = byteIDs
        var byteValues = [Int16](repeating: -1, count: model.pieces.count)
        for (value, id) in byteIDs.enumerated() where id >= 0 { byteValues[Int(id)] = Int16(value) }
        self.byteValues = byteValues
        unknownID = unknown
        byteFallback = model.trainer.byteFallback
        normalizer = SentencePieceNormalizer(
            addDummyPrefix: model.normalizer.addDummyPrefix, removeExtraWhitespaces: model.normalizer.removeExtraWhitespaces,
            escapeWhitespaces: model.normalizer.escapeWhitespaces,
            treatWhitespaceAsSuffix: model.trainer.treatWhitespaceAsSuffix, userDefined: userDefined)
        unknownSurface = Array(model.trainer.unkSurface.utf8)
        stripsLeadingSpace = model.normalizer.addDummyPrefix || model.normalizer.removeExtraWhitespaces
        keepsStrippingLeadingSpace = model.normalizer.removeExtraWhitespaces

        // Special ids: a configured token name wins, then the trainer spec's piece names and ids.
        func special(_ configured: String?, _ piece: String, _ trainerID: Int) -> TokenID {
            if let name = configured, let id = reserved.lookup(name.utf8) ?? mergeable.lookup(name.utf8) { return id }
            if let id = reserved.lookup(piece.utf8) ?? mergeable.lookup(piece.utf8) { return id }
            return trainerID >= 0 && trainerID < model.pieces.count ? TokenID(trainerID) : -1
        }
        bosID = special(config?.bosToken, model.trainer.bosPiece, model.trainer.bosID)
        eosID = special(config?.eosToken, model.trainer.eosPiece, model.trainer.eosID)
        padID = special(config?.padToken, model.trainer.padPiece, model.trainer.padID)
        addsBOS = (config?.addBOSToken ?? true) && bosID >= 0
        addsEOS = (config?.addEOSToken ?? false) && eosID >= 0
    }

    static func byteValue(of piece: String) -> UInt8? {
        let b = Array(piece.utf8)
        guard b.count == 6, b[0] == UInt8(ascii: "<"), b[1] == UInt8(ascii: "0"), b[2] == UInt8(ascii: "x"),
              b[5] == UInt8(ascii: ">") else { return nil }
        return UInt8(String(decoding: b[3...4], as: UTF8.self), radix: 16)
    }

    // MARK: Encoding

    public func encode(_ text: String, addBOS: Bool) -> [TokenID] {
        var text = text
        return text.withUTF8 { encode(utf8: $0, addBOS: addBOS) }
    }

    /// Encodes raw bytes, which may be malformed UTF-8: like sentencepiece, each invalid byte becomes
    /// U+FFFD (a Swift `String` would have merged a truncated sequence into one U+FFFD).
    public func encode(utf8Bytes: [UInt8], addBOS: Bool) -> [TokenID] {
        utf8Bytes.withUnsafeBufferPointer { encode(utf8: $0, addBOS: addBOS) }
    }

    func encode(utf8 input: UnsafeBufferPointer<UInt8>, addBOS: Bool) -> [TokenID] {
        let normalized = normalizer.normalize(input)
        var ids: [TokenID] = []
        ids.reserveCapacity(normalized.count / 3 + 2)
        if addBOS && addsBOS { ids.append(bosID) }
        normalized.withUnsafeBufferPointer { encodeNormalized($0, into: &ids) }
        if addBOS && addsEOS { ids.append(eosID) }
        return ids
    }

    /// `PieceToId`: reserved pieces first, then mergeable ones, else the unknown id.
    @inline(__always)
    func pieceID(_ base: UnsafePointer<UInt8>, _ count: Int) -> TokenID {
        reserved.lookup(base, count) ?? mergeable.lookup(base, count) ?? unknownID
    }

    /// Appends the ids of `symbol` bytes, decomposing unknown pieces into byte pieces when enabled.
    @inline(__always)
    func emit(_ base: UnsafePointer<UInt8>, _ count: Int, into ids: inout [TokenID]) {
        let id = pieceID(base, count)
        if id == unknownID && byteFallback {
            for k in 0..<count {
                let byteID = byteIDs[Int(base[k])]
                ids.append(byteID >= 0 ? byteID : unknownID)
            }
        } else {
            ids.append(id)
        }
    }

    // MARK: Decoding

    public func piece(for id: TokenID) -> String? {
        guard id >= 0 && Int(id) < vocabularySize else { return nil }
        return String(decoding: pieceBytes[Int(id)], as: UTF8.self)
    }

    public func id(forPiece piece: String) -> TokenID? {
        reserved.lookup(piece.utf8) ?? mergeable.lookup(piece.utf8)
    }

    public func isSpecial(_ id: TokenID) -> Bool {
        id >= 0 && Int(id) < vocabularySize && types[Int(id)] == .control
    }

    public func decodeBytes(_ ids: [TokenID]) -> [UInt8] {
        var bytes: [UInt8] = []
        var state = DecodeState()
        for id in ids { appendDecodedBytes(of: id, to: &bytes, state: &state) }
        return bytes
    }

    /// sentencepiece's `Decode`: control pieces vanish, the unknown piece shows as the unk surface
    /// (" ⁇ "), byte pieces become raw bytes, U+2581 becomes ' ', and with add_dummy_prefix or
    /// remove_extra_whitespaces the first piece's leading U+2581 is dropped. Out-of-range ids are skipped.
    public func appendDecodedBytes(of id: TokenID, to bytes: inout [UInt8], state: inout DecodeState) {
        guard id >= 0 && Int(id) < vocabularySize else { return }
        let index = Int(id)
        let before = bytes.count
        defer {
            state.producedBytes += bytes.count - before
            state.decodedTokens += 1
        }
        if types[index] == .byte {
            bytes.append(UInt8(byteValues[index]))
            return
        }
        if state.consumedLeadingSpace || state.producedBytes > 0 { state.expectingLeadingSpace = false }
        switch types[index] {
        case .control:
            state.consumedLeadingSpace = false
        case .unknown:
            bytes.append(contentsOf: unknownSurface)
            state.consumedLeadingSpace = false
        default:
            let piece = pieceBytes[index]
            var start = 0
            state.consumedLeadingSpace = false
            if state.expectingLeadingSpace && stripsLeadingSpace && piece.starts(with: UTF8Scanning.metaspace) {
                start = 3
                state.consumedLeadingSpace = !keepsStrippingLeadingSpace
            }
            Self.appendReplacingMetaspace(piece, from: start, to: &bytes)
        }
    }

    /// Appends `piece[start...]` with every U+2581 turned into ' '.
    static func appendReplacingMetaspace(_ piece: [UInt8], from start: Int, to bytes: inout [UInt8]) {
        var i = start
        let n = piece.count
        while i < n {
            if i + 2 < n && piece[i] == 0xE2 && piece[i + 1] == 0x96 && piece[i + 2] == 0x81 {
                bytes.append(0x20)
                i += 3
            } else {
                bytes.append(piece[i])
                i += 1
            }
        }
    }
}
