import DuetCore

/// ``SamplingParameters`` as the decode loop uses them: every unset field at its default
/// (``SamplingParameters/defaults``), in the types the sampler computes with (Float). Made once per
/// generation, so the per-token loop reads plain values.
struct EffectiveSampling {
    var temperature: Float
    var topK: Int
    var topP: Float
    var minP: Float
    var repetitionPenalty: Float
    var seed: UInt64
    var maxTokens: Int
    var ignoreEOS: Bool

    init(_ parameters: SamplingParameters) {
        // `defaults` sets every field, so nothing below is nil.
        let p = parameters.resolved(over: .defaults)
        temperature = Float(p.temperature!)
        topK = p.topK!
        topP = Float(p.topP!)
        minP = Float(p.minP!)
        repetitionPenalty = Float(p.repetitionPenalty!)
        seed = p.seed!
        maxTokens = p.maxNewTokens!
        ignoreEOS = p.ignoreEOS!
    }

    /// True when the choice is the argmax.
    var isGreedy: Bool { temperature <= 0 || topK == 1 }
}
