import DuetCore
/// Measurements and settings of one generation, stored with a model reply or a comparison output.
public struct MessageStats: Codable, Sendable, Hashable {
    /// Why generation ended.
    public enum StopReason: String, Codable, Sendable, CaseIterable {
        case endOfSequence, maxTokens, stopSequence, contextFull, userStopped, error
    }

    /// Tokens of the prompt fed to the decoder (the whole chat template).
    public var promptTokens: Int
    /// Tokens fed to the encoder (encoder-decoder models only).
    public var encoderTokens: Int?
    /// Encoder forward time (encoder-decoder models only), milliseconds.
    public var encodeMs: Double?
    /// Decoder prefill time, milliseconds.
    public var prefillMs: Double?
    /// Time from request to the first generated token, milliseconds.
    public var timeToFirstTokenMs: Double?
    /// Decode speed after the first token, tokens per second.
    public var decodeTokensPerSecond: Double?
    public var generatedTokens: Int
    /// The seed actually used.
    public var seed: UInt64?
    /// The sampling actually used.
    public var sampling: SamplingParameters?
    public var stopReason: StopReason?
    /// Content hash of the weights that generated the text.
    public var modelHash: String?
    /// Engine worker threads.
    public var engineThreads: Int?
    /// OpenBLAS threads.
    public var blasThreads: Int?
    public var engineVersion: String?

    public init(promptTokens: Int, encoderTokens: Int? = nil, encodeMs: Double? = nil, prefillMs: Double? = nil,
                timeToFirstTokenMs: Double? = nil, decodeTokensPerSecond: Double? = nil, generatedTokens: Int,
                seed: UInt64? = nil, sampling: SamplingParameters? = nil, stopReason: StopReason? = nil,
                modelHash: String? = nil, engineThreads: Int? = nil, blasThreads: Int? = nil,
                engineVersion: String? = nil) {
        self.promptTokens = promptTokens
        self.encoderTokens = encoderTokens
        self.encodeMs = encodeMs
        self.prefillMs = prefillMs
        self.timeToFirstTokenMs = timeToFirstTokenMs
        self.decodeTokensPerSecond = decodeTokensPerSecond
        self.generatedTokens = generatedTokens
        self.seed = seed
        self.sampling = sampling
        self.stopReason = stopReason
        self.modelHash = modelHash
        self.engineThreads = engineThreads
        self.blasThreads = blasThreads
        self.engineVersion = engineVersion
    }
}
