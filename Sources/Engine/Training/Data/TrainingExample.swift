import Tokenizers
/// One training example before batching.
struct TrainingExample: Equatable {
    /// Encoder-decoder: what the encoder reads. nil for decoder-only.
    var encoder: [TokenID]?
    /// Decoder-only: the example's tokens in its row. Encoder-decoder: the labels (the decoder reads
    /// them shifted right after `<bos>`).
    var tokens: [TokenID]
    /// Per token: whether it is learnt (decoder-only: predicted from the token before it).
    var learn: [Bool]

    init(encoder: [TokenID]? = nil, tokens: [TokenID], learn: [Bool]) {
        precondition(tokens.count == learn.count)
        self.encoder = encoder
        self.tokens = tokens
        self.learn = learn
    }

    /// An example whose first `prefix` tokens are context and the rest learnt.
    init(encoder: [TokenID]? = nil, tokens: [TokenID], learnFrom prefix: Int) {
        self.init(encoder: encoder, tokens: tokens,
                  learn: (0..<tokens.count).map { $0 >= prefix })
    }
}

/// A planned example: which tokens of which document, and the choices (split, UL2 denoiser, noise)
/// drawn for it, with the lengths it will have. Plans are small, so an epoch's worth is held and
/// shuffled; the tokens are gathered only when a batch is built.
struct ExampleSpec: Equatable {
    enum Kind: UInt8 {
        /// CLM: `length` tokens of the document framed by `<bos>`/`<eos>`, from `start` in that frame.
        case causal
        /// Prefix LM: `length` document tokens from `start`; the first `split` are the prefix.
        case prefix
        /// Span corruption: `length` document tokens from `start`; `split` noise tokens in `spans` spans.
        case spanCorruption
        /// A whole conversation.
        case conversation
    }

    var kind: Kind
    var document: Int32
    var start: Int32
    var length: Int32
    var split: Int32 = 0
    var spans: Int32 = 0
    /// UL2 denoiser index (0 when not UL2).
    var denoiser: UInt8 = 0
    /// Append `<eos>` to the target (prefix LM windows that reach their document's end).
    var appendsEOS: Bool = false
    /// Seed of the example's own random choices (span corruption's noise mask).
    var seed: UInt64 = 0
    /// Encoder tokens (0 for decoder-only).
    var encoderLength: Int32 = 0
    /// Decoder-only: row tokens. Encoder-decoder: label count.
    var decoderLength: Int32 = 0
}

/// A document as the planners see it.
struct DocumentInfo {
    var index: Int
    var count: Int
    var startsDocument: Bool
    var endsDocument: Bool
}

/// The special tokens examples are built with.
struct SpecialTokens: Equatable {
    var bos: TokenID
    var eos: TokenID
    var pad: TokenID
    /// UL2 sentinels: `<unused0>`, `<unused1>`, ... (empty when not needed).
    var sentinels: [TokenID]
}
