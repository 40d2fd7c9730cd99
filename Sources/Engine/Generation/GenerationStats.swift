import Foundation
import Tokenizers

/// Why generation stopped.
public enum StopReason: String, Sendable, Codable {
    /// An end-of-sequence token (e.g. `<eos>` 1 or `<end_of_turn>` 107) was produced.
    case endOfSequence = "eos"
    /// `maxTokens` were generated.
    case maxTokens = "max_tokens"
    /// The caller cancelled.
    case cancelled = "cancelled"
    /// The context (KV cache capacity) was exhausted.
    case contextFull = "context_full"
}

/// Timings in the vocabulary users know (llama.cpp's `llama_perf`, Ollama's stats).
public struct GenerationStats: Sendable, Equatable, Codable {
    /// Tokens fed to the decoder-only model, or to the T5Gemma decoder before generation (its `<bos>`).
    public var promptTokens = 0
    /// Tokens fed to the encoder (T5Gemma only).
    public var encoderTokens = 0
    public var encodeMilliseconds = 0.0
    public var prefillMilliseconds = 0.0
    /// Request start to the first generated token.
    public var timeToFirstTokenMilliseconds = 0.0
    public var generatedTokens = 0
    /// Time spent on tokens after the first.
    public var decodeMilliseconds = 0.0
    public var stopReason: StopReason = .maxTokens

    public init() {}

    public var prefillTokensPerSecond: Double { rate(promptTokens, prefillMilliseconds) }
    public var encodeTokensPerSecond: Double { rate(encoderTokens, encodeMilliseconds) }
    /// Tokens per second after the first token (the first one's time is the TTFT).
    public var decodeTokensPerSecond: Double { rate(max(0, generatedTokens - 1), decodeMilliseconds) }

    private func rate(_ tokens: Int, _ ms: Double) -> Double { ms > 0 ? Double(tokens) * 1000 / ms : 0 }
}

/// A flag the caller sets to stop a generation: checked once per token, and between layers while a
/// prompt is prefilled or encoded (a long prompt on a big model takes seconds; Esc must not wait for it).
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    public init() {}
    public func cancel() { lock.withLock { value = true } }
    public var isCancelled: Bool { lock.withLock { value } }
}

/// Monotonic milliseconds for timings.
@inline(__always) func nowMilliseconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e6
}

/// The outcome of a generation request.
public struct GenerationResult: Sendable {
    public var tokens: [TokenID]
    public var stats: GenerationStats
}
