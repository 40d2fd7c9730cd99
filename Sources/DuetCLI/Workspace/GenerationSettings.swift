import DuetCore
import Engine
import Sessions

/// Turns stored chat settings into engine sampling parameters.
package enum GenerationSettings {
    /// The session's settings over the model's generation_config.json defaults over greedy decoding
    /// (``SamplingParameters/defaults``), every field set; `seed` nil picks a random seed (the one used
    /// is stored with the reply).
    package static func resolve(_ stored: SamplingParameters?, model: LoadedModel?, defaultMaxTokens: Int) -> SamplingParameters {
        let generation = model?.generationConfig
        var fromModel = SamplingParameters(maxNewTokens: generation?.maxNewTokens ?? defaultMaxTokens)
        if generation?.doSample == true {
            fromModel.temperature = Double(generation?.temperature ?? 1)
            fromModel.topK = generation?.topK ?? 0
            fromModel.topP = Double(generation?.topP ?? 1)
        }
        var p = (stored ?? SamplingParameters()).resolved(over: fromModel).resolved(over: .defaults)
        p.seed = stored?.seed ?? UInt64.random(in: 0..<(1 << 53))
        return p
    }

    /// The parameters as stored with a reply: what was actually used, every field set, at the Float
    /// precision the sampler computes with (0.7 is stored as 0.699999988079071).
    package static func record(_ p: SamplingParameters) -> SamplingParameters {
        let used = p.resolved(over: .defaults)
        func float(_ x: Double?) -> Double? { x.map { Double(Float($0)) } }
        return SamplingParameters(temperature: float(used.temperature), topK: used.topK, topP: float(used.topP),
                                  minP: float(used.minP), repetitionPenalty: float(used.repetitionPenalty),
                                  maxNewTokens: used.maxNewTokens, seed: used.seed)
    }

    /// The engine's stop reason as stored with a reply (and as people read it, through `StatsText.stopText`).
    static func stopReason(_ reason: Engine.StopReason) -> MessageStats.StopReason {
        switch reason {
        case .endOfSequence: return .endOfSequence
        case .maxTokens: return .maxTokens
        case .cancelled: return .userStopped
        case .contextFull: return .contextFull
        }
    }

    /// Engine statistics as stored with a reply.
    package static func stats(_ s: GenerationStats, architecture: ModelArchitecture, sampling: SamplingParameters,
                      modelHash: String?) -> MessageStats {
        let encoder = architecture == .encoderDecoder
        return MessageStats(promptTokens: s.promptTokens, encoderTokens: encoder ? s.encoderTokens : nil,
                            encodeMs: encoder ? s.encodeMilliseconds : nil, prefillMs: s.prefillMilliseconds,
                            timeToFirstTokenMs: s.generatedTokens > 0 ? s.timeToFirstTokenMilliseconds : nil,
                            decodeTokensPerSecond: s.generatedTokens > 1 ? s.decodeTokensPerSecond : nil,
                            generatedTokens: s.generatedTokens, seed: sampling.seed, sampling: record(sampling),
                            stopReason: stopReason(s.stopReason), modelHash: modelHash, engineThreads: EngineThreads.count,
                            blasThreads: EngineThreads.count, engineVersion: EngineInfo.version)
    }
}
