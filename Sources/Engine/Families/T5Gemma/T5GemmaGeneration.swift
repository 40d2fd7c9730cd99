import DuetCore
import Tokenizers
extension T5GemmaModel: LanguageModel {
    public var architecture: ModelArchitecture { .encoderDecoder }
    public var vocabularySize: Int { config.decoder.vocabSize }
    public var parameterCount: Int { parameters.parameterCount }

    /// Encodes `prompt` once, projects every decoder layer's cross-attention keys/values once, then
    /// decodes from `<bos>` with the self-attention KV cache.
    public func generate(prompt: [TokenID], parameters sampling: SamplingParameters, stopTokens: Set<TokenID>,
                         cancel: CancellationFlag?, onToken: (TokenID) -> Void) throws -> GenerationResult {
        guard !prompt.isEmpty else { throw GenerationError.emptyPrompt }
        try GenerationLoop.validate(prompt, vocabularySize: config.encoder.vocabSize)
        let start = nowMilliseconds()
        var stats = GenerationStats()
        stats.encoderTokens = prompt.count
        stats.promptTokens = 1

        let encoded = try encode(prompt, cancel: cancel)
        if cancel?.isCancelled == true {
            stats.stopReason = .cancelled
            stats.encodeMilliseconds = nowMilliseconds() - start
            return GenerationResult(tokens: [], stats: stats)
        }
        let capacity = 1 + max(EffectiveSampling(sampling).maxTokens, 1)
        let cache = StackCache(stack: decoder, capacity: capacity, maxChunk: 1, crossLength: prompt.count)
        for (i, block) in decoderWeights.blocks.enumerated() where cancel?.isCancelled != true {
            if let cross = block.cross {
                AttentionLayer.projectKeysValues(encoded.f32, rows: prompt.count, weights: cross.attention,
                                                 keys: cache.crossKeys[i], values: cache.crossValues[i])
            } else {
                AttentionLayer.projectMergedEncoder(encoded.f32, rows: prompt.count, weights: block.attention,
                                                   spec: decoder.specs[i].attention, keys: cache.keys[i], values: cache.values[i])
            }
        }
        stats.encodeMilliseconds = nowMilliseconds() - start

        let logits = UnsafeMutablePointer<Float>.allocate(capacity: vocabularySize)
        defer { logits.deallocate() }
        let table = decoderEmbeddingTable
        // One unpadded prompt: no encoder padding mask (the attention reads whole key ranges).
        let step: (UnsafePointer<Int32>, Int) -> UnsafePointer<Float> = { ids, count in
            let hidden = self.decoder.forwardCached(ids, count: count, cache: cache, weights: self.decoderWeights, cancel: cancel)
            LanguageModelHead.forward(hidden + (count - 1) * self.config.decoder.hiddenSize, rows: 1, table: table,
                                      softCap: self.config.decoder.finalLogitSoftcap, into: logits)
            return UnsafePointer(logits)
        }
        let prefillStart = nowMilliseconds()
        var bos = config.decoder.bosTokenID
        let first = step(&bos, 1)
        stats.prefillMilliseconds = nowMilliseconds() - prefillStart
        let tokens = GenerationLoop.run(firstLogits: first, vocabularySize: vocabularySize, seen: [],
                                        parameters: sampling, stopTokens: stopTokens, capacityLeft: capacity - 1,
                                        cancel: cancel, stats: &stats, requestStart: start, onToken: onToken, step: step)
        return GenerationResult(tokens: tokens, stats: stats)
    }

    /// The decoder's cost per token (self-attention over the generated tokens, cross-attention over
    /// the prompt); the encoder runs once per request and is reported as encode time, not per token.
    public func flopsPerGeneratedToken(promptTokens: Int, generatedTokens: Int) -> Double {
        FlopCounter.decoderToken(config.decoder, contextLength: 1 + generatedTokens / 2, crossLength: promptTokens,
                                 merged: config.t5gemma2 != nil)
    }
}
