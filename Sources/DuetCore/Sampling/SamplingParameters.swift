/// How the next token is chosen (in the vocabulary of llama.cpp and HF `generate`): the settings of a
/// chat, a comparison side or one generated reply, and what the engine's generate calls take.
///
/// Every field is optional: nil means "the default", the value in ``defaults`` unless the caller
/// layers others under it with ``resolved(over:)`` (the UI: a chat's settings over the model's
/// generation_config.json). The engine fills whatever is still nil from ``defaults``.
///
/// Stored as JSON text in the database (`Codable`: the property names are the keys, nil fields are
/// left out), so a field added here must be optional and keep every stored row decodable.
public struct SamplingParameters: Codable, Sendable, Hashable {
    /// Softmax temperature; 0 means greedy decoding.
    public var temperature: Double?
    /// Keep only the `topK` most likely tokens (0 = off).
    public var topK: Int?
    /// Nucleus sampling: keep the smallest set of tokens whose probability mass reaches `topP` (1 = off).
    public var topP: Double?
    /// Drop tokens whose probability is below `minP` times the most likely token's (0 = off).
    public var minP: Double?
    /// HF-style repetition penalty on every token already in the prompt or the output (1 = off).
    public var repetitionPenalty: Double?
    /// Stop after this many generated tokens.
    public var maxNewTokens: Int?
    /// Seed of the sampler's random generator: the same seed gives the same output. In stored chat
    /// settings nil means a random seed (the one used is in `MessageStats.seed`).
    public var seed: UInt64?
    /// Stop when one of these strings is generated (kept with chat settings; generation does not read it).
    public var stopSequences: [String]?
    /// Keep generating through end-of-sequence tokens (benchmarks and golden tests; never stored).
    public var ignoreEOS: Bool?

    public init(temperature: Double? = nil, topK: Int? = nil, topP: Double? = nil, minP: Double? = nil,
                repetitionPenalty: Double? = nil, maxNewTokens: Int? = nil, seed: UInt64? = nil,
                stopSequences: [String]? = nil, ignoreEOS: Bool? = nil) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.maxNewTokens = maxNewTokens
        self.seed = seed
        self.stopSequences = stopSequences
        self.ignoreEOS = ignoreEOS
    }

    /// Greedy decoding with every other setting at its default.
    public static let greedy = SamplingParameters()

    /// What an unset field means: greedy, no top-k/top-p/min-p filter, no repetition penalty, seed 0,
    /// 256 new tokens, stop at end of sequence. Every field is set.
    public static let defaults = SamplingParameters(temperature: 0, topK: 0, topP: 1, minP: 0, repetitionPenalty: 1,
                                                    maxNewTokens: 256, seed: 0, ignoreEOS: false)

    /// These settings with every unset field taken from `base`.
    public func resolved(over base: SamplingParameters) -> SamplingParameters {
        SamplingParameters(temperature: temperature ?? base.temperature, topK: topK ?? base.topK,
                           topP: topP ?? base.topP, minP: minP ?? base.minP,
                           repetitionPenalty: repetitionPenalty ?? base.repetitionPenalty,
                           maxNewTokens: maxNewTokens ?? base.maxNewTokens, seed: seed ?? base.seed,
                           stopSequences: stopSequences ?? base.stopSequences, ignoreEOS: ignoreEOS ?? base.ignoreEOS)
    }
}
