import Tokenizers
/// What every architecture's config answers alike, so that callers (loader, inspect, init, the UI)
/// ask the config instead of switching on the architecture.
extension ModelConfig {
    /// The Gemma stacks of the model with their roles: `model` for a decoder-only model, `encoder`
    /// and `decoder` for an encoder-decoder.
    public var stacks: [(label: String, config: Gemma2Config)] {
        switch self {
        case let .gemma2(c): [("model", c)]
        case let .t5gemma(c): [("encoder", c.encoder), ("decoder", c.decoder)]
        }
    }

    /// The stack whose LM head produces the logits (the decoder of an encoder-decoder).
    public var outputStack: Gemma2Config { stacks[stacks.count - 1].config }

    /// Whether the model has an encoder.
    public var isEncoderDecoder: Bool {
        if case .t5gemma = self { return true }
        return false
    }

    public var padTokenID: TokenID {
        switch self {
        case let .gemma2(c): c.padTokenID
        case let .t5gemma(c): c.padTokenID
        }
    }

    /// The id a prompt (decoder-only) or the decoder (encoder-decoder) starts with.
    public var bosTokenID: TokenID {
        switch self {
        case let .gemma2(c): c.bosTokenID
        case let .t5gemma(c): c.bosTokenID
        }
    }

    public var eosTokenIDs: [TokenID] {
        switch self {
        case let .gemma2(c): c.eosTokenIDs
        case let .t5gemma(c): c.eosTokenIDs
        }
    }

    /// Whether the LM head is the token embedding (every released Gemma and T5Gemma).
    public var tieWordEmbeddings: Bool {
        switch self {
        case let .gemma2(c): c.tieWordEmbeddings
        case let .t5gemma(c): c.tieWordEmbeddings
        }
    }

    /// The model this config describes, over `parameters` (names and shapes as
    /// `WeightLayout.expectedShapes(self)`).
    public func makeModel(parameters: ParameterStore) -> any LanguageModel {
        switch self {
        case let .gemma2(c): Gemma2Model(config: c, parameters: parameters)
        case let .t5gemma(c): T5GemmaModel(config: c, parameters: parameters)
        }
    }
}
