/// How the next token is chosen, in the vocabulary of llama.cpp and HF `generate`.
public struct SamplingParameters: Sendable, Equatable, Codable {
    /// 0 = greedy (argmax).
    public var temperature: Float
    /// Keep the K most likely tokens (0 = off).
    public var topK: Int
    /// Keep the smallest set whose probability reaches P (1 = off).
    public var topP: Float
    /// Drop tokens less likely than `minP * p(max)` (0 = off).
    public var minP: Float
    /// HF-style repetition penalty on every token already in the prompt or the output (1 = off).
    public var repetitionPenalty: Float
    /// Seed of the sampler's random generator: the same seed gives the same output.
    public var seed: UInt64
    /// Maximum number of generated tokens.
    public var maxTokens: Int
    /// Keep generating through end-of-sequence tokens (benchmarks).
    public var ignoreEOS: Bool

    public init(temperature: Float = 0, topK: Int = 0, topP: Float = 1, minP: Float = 0,
                repetitionPenalty: Float = 1, seed: UInt64 = 0, maxTokens: Int = 256, ignoreEOS: Bool = false) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.seed = seed
        self.maxTokens = maxTokens
        self.ignoreEOS = ignoreEOS
    }

    /// Greedy decoding.
    public static let greedy = SamplingParameters()

    /// True when the choice is the argmax.
    public var isGreedy: Bool { temperature <= 0 || topK == 1 }
}
