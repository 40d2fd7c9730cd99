import DuetCore
import Tokenizers
extension Gemma2Model: LanguageModel {
    public var architecture: ModelArchitecture { .decoderOnly }
    public var vocabularySize: Int { config.vocabSize }
    public var parameterCount: Int { parameters.parameterCount }

    public func generate(prompt: [TokenID], parameters sampling: SamplingParameters, stopTokens: Set<TokenID>,
                         cancel: CancellationFlag?, onToken: (TokenID) -> Void) throws -> GenerationResult {
        guard !prompt.isEmpty else { throw GenerationError.emptyPrompt }
        try GenerationLoop.validate(prompt, vocabularySize: config.vocabSize)
        let start = nowMilliseconds()
        var stats = GenerationStats()
        stats.promptTokens = prompt.count
        let capacity = prompt.count + max(EffectiveSampling(sampling).maxTokens, 1)
        let cache = StackCache(stack: stack, capacity: capacity, maxChunk: prompt.count)
        let logits = UnsafeMutablePointer<Float>.allocate(capacity: config.vocabSize)
        defer { logits.deallocate() }
        let table = embeddingTable

        // Feeds tokens; the LM head runs on the last row only.
        let step: (UnsafePointer<Int32>, Int) -> UnsafePointer<Float> = { ids, count in
            let hidden = self.stack.forwardCached(ids, count: count, cache: cache, weights: self.stackWeights, cancel: cancel)
            LanguageModelHead.forward(hidden + (count - 1) * self.config.hiddenSize, rows: 1, table: table,
                                      softCap: self.config.finalLogitSoftcap, into: logits)
            return UnsafePointer(logits)
        }
        let prefillStart = nowMilliseconds()
        let first = prompt.withUnsafeBufferPointer { step($0.baseAddress!, prompt.count) }
        stats.prefillMilliseconds = nowMilliseconds() - prefillStart
        let tokens = GenerationLoop.run(firstLogits: first, vocabularySize: config.vocabSize, seen: prompt,
                                        parameters: sampling, stopTokens: stopTokens,
                                        capacityLeft: capacity - prompt.count, cancel: cancel, stats: &stats,
                                        requestStart: start, onToken: onToken, step: step)
        return GenerationResult(tokens: tokens, stats: stats)
    }

    public func flopsPerGeneratedToken(promptTokens: Int, generatedTokens: Int) -> Double {
        FlopCounter.decoderToken(config, contextLength: promptTokens + generatedTokens / 2, crossLength: 0)
    }
}

/// Forward FLOP estimates (2 per multiply-add), for the compare screen's "FLOPs per token".
public enum FlopCounter {
    /// One decoder token attending to `contextLength` positions (self) and `crossLength` encoder
    /// positions (cross-attention, when present), plus the LM head.
    /// `merged`: T5Gemma 2's decoder reads the encoder inside its self-attention (no q/o projections of
    /// its own), so the encoder keys only add their scores and weighted values.
    public static func decoderToken(_ c: Gemma2Config, contextLength: Int, crossLength: Int, merged: Bool = false) -> Double {
        let d = Double(c.hiddenSize), q = Double(c.qDim), kv = Double(c.kvDim), f = Double(c.intermediateSize)
        let perLayer = 2 * (d * q + 2 * d * kv + q * d) + 2 * 3 * d * f
        var total = 0.0
        for type in c.layerTypes {
            let visible = Double(type == .sliding ? min(contextLength, c.slidingWindow ?? contextLength) : contextLength)
            var layer = perLayer + 2 * 2 * visible * q
            if crossLength > 0 && merged {
                layer += 2 * 2 * Double(crossLength) * q
            } else if crossLength > 0 {
                // q and o projections per token; K/V of the encoder output are computed once per request.
                layer += 2 * 2 * d * q + 2 * 2 * Double(crossLength) * q
            }
            total += layer
        }
        return total + 2 * d * Double(c.vocabSize)
    }
}
