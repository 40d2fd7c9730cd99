/// Trains the byte-fallback BPE tokenizers of Duet's own small models, Gemma-style: `<pad>`=0 `<eos>`=1
/// `<bos>`=2 `<unk>`=3, `<start_of_turn>`, `<end_of_turn>`, N sentinel tokens `<unused0>`... (for UL2),
/// the 256 byte tokens `<0x00>`..`<0xFF>`, the characters covering `characterCoverage` of the text
/// (rarer characters are spelled with byte tokens), then merges. Words come from `TrainingWords` (digits
/// stay single). Pair counts are updated incrementally with a lazy max-heap, as tokenizers'
/// BpeTrainer does; every tie is broken by token ids, so a run is fully deterministic.
public struct BPETrainer {
    public struct Options: Sendable, Equatable {
        /// Total vocabulary size, special and byte tokens included.
        public var vocabularySize: Int
        /// Number of `<unusedN>` sentinel tokens (UL2 span corruption).
        public var unusedTokens: Int
        /// Pairs seen fewer times are never merged.
        public var minimumPairFrequency: Int
        /// Fraction of character occurrences the alphabet must cover (SentencePiece's character_coverage).
        public var characterCoverage: Double
        /// Longest token, in characters, a merge may produce.
        public var maximumTokenLength: Int
        /// tokenizer_config.json model_max_length.
        public var modelMaxLength: Int
        /// Characters that get a token of their own whether or not the text has them (a space stands for
        /// `▁`): a model trained on a corpus without `Q` must still see a user's `Q` as one token, not as bytes.
        public var requiredCharacters: String

        public init(vocabularySize: Int = 8192, unusedTokens: Int = 100, minimumPairFrequency: Int = 2,
                    characterCoverage: Double = 0.9995, maximumTokenLength: Int = 16, modelMaxLength: Int = 8192,
                    requiredCharacters: String = "") {
            self.vocabularySize = vocabularySize
            self.unusedTokens = unusedTokens
            self.minimumPairFrequency = minimumPairFrequency
            self.characterCoverage = characterCoverage
            self.maximumTokenLength = maximumTokenLength
            self.modelMaxLength = modelMaxLength
            self.requiredCharacters = requiredCharacters
        }

        /// Every printable ASCII character, space included: with `maximumTokenLength` 1 a character-level
        /// vocabulary in which any English text a user types is one token per character.
        public static let printableASCII = String((0x20...0x7E).map { Character(Unicode.Scalar(UInt8($0))) })
    }

    public let options: Options

    public init(options: Options) { self.options = options }

    /// The special tokens at ids 0..<count, in order.
    public static func specialTokens(unused: Int) -> [String] {
        ["<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>"] + (0..<unused).map { "<unused\($0)>" }
    }

    /// Trains on `texts`.
    public func train(texts: some Sequence<String>) throws -> TrainedBPETokenizer {
        var words = TrainingWords()
        for text in texts { words.add(text.replacingOccurrences(of: " ", with: "\u{2581}")) }
        return try train(words: words)
    }

    func train(words: TrainingWords) throws -> TrainedBPETokenizer {
        let specials = Self.specialTokens(unused: options.unusedTokens)
        var tokens = specials + (0..<256).map { HFBPEModel.bytePiece(UInt8($0)) }
        let budget = options.vocabularySize - tokens.count
        guard options.unusedTokens >= 0, budget > 0 else {
            throw TokenizerError.training(reason: "vocabulary size \(options.vocabularySize) leaves no room beyond \(tokens.count) special and byte tokens")
        }
        guard options.characterCoverage > 0 && options.characterCoverage <= 1 else {
            throw TokenizerError.training(reason: "character coverage must be in (0, 1], not \(options.characterCoverage)")
        }
        guard !words.words.isEmpty else { throw TokenizerError.training(reason: "no training text") }

        // Alphabet: most frequent characters first (ties by code point) until the coverage is reached.
        var charCounts: [UInt32: Int] = [:]
        var total = 0
        for (word, count) in zip(words.words, words.counts) {
            for s in word { charCounts[s.value, default: 0] += count }
            total += word.count * count
        }
        let ranked = charCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        var tokenIDs: [String: Int32] = [:]
        for (i, t) in tokens.enumerated() { tokenIDs[t] = Int32(i) }
        let reservedCount = tokens.count
        var alphabet: [UInt32: Int32] = [:]
        func addToAlphabet(_ scalar: UInt32) {
            let token = String(Unicode.Scalar(scalar)!)
            guard tokenIDs[token] == nil else { return }
            alphabet[scalar] = Int32(tokens.count)
            tokenIDs[token] = Int32(tokens.count)
            tokens.append(token)
        }
        let required = Set(options.requiredCharacters.replacingOccurrences(of: " ", with: "\u{2581}").unicodeScalars.map(\.value))
        guard required.count <= budget else {
            throw TokenizerError.training(reason: "\(required.count) required characters do not fit in \(budget) free tokens")
        }
        for scalar in required.sorted() { addToAlphabet(scalar) }
        var covered = 0
        for (scalar, count) in ranked {
            if Double(covered) >= options.characterCoverage * Double(total) || alphabet.count >= budget { break }
            addToAlphabet(scalar)
            covered += count
        }

        // Words as id sequences; characters outside the alphabet become byte tokens, which never merge.
        let byteBase = Int32(specials.count)
        var symbols: [[Int32]] = []
        symbols.reserveCapacity(words.words.count)
        for word in words.words {
            var ids: [Int32] = []
            ids.reserveCapacity(word.count)
            for s in word {
                if let id = alphabet[s.value] { ids.append(id) } else {
                    for b in String(s).utf8 { ids.append(byteBase + Int32(b)) }
                }
            }
            symbols.append(ids)
        }
        var lengths = tokens.map { $0.unicodeScalars.count }   // characters per token
        var merges: [(Int32, Int32)] = []
        var loop = BPEMergeLoop(symbols: symbols, counts: words.counts, firstMergeable: Int32(reservedCount),
                                minimumFrequency: options.minimumPairFrequency, maximumLength: options.maximumTokenLength)
        loop.run { left, right in
                guard tokens.count < options.vocabularySize else { return nil }
                let merged = tokens[Int(left)] + tokens[Int(right)]
                if let existing = tokenIDs[merged] {
                    // Already a token through another split (or a special/byte token's spelling).
                    if existing < Int32(reservedCount) { return .skip }
                    merges.append((left, right))
                    return .use(existing)
                }
                let id = Int32(tokens.count)
                tokens.append(merged)
                tokenIDs[merged] = id
                lengths.append(lengths[Int(left)] + lengths[Int(right)])
                merges.append((left, right))
                return .use(id)
            } length: { lengths[Int($0)] }
        return TrainedBPETokenizer(tokens: tokens, merges: merges.map { (tokens[Int($0.0)], tokens[Int($0.1)]) },
                                   specialTokenCount: specials.count, unusedTokens: options.unusedTokens,
                                   modelMaxLength: options.modelMaxLength)
    }
}
