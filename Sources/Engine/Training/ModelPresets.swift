/// Named architectures for `duet init`: the paper's sizes (reference §1.8) and small ones for CPU.
public enum ModelPresets {
    /// A Gemma 2 configuration by name, with `vocabSize` from the tokenizer when one is given.
    public static func gemma2(_ name: String, vocabSize: Int? = nil) -> Gemma2Config? {
        var c: Gemma2Config
        switch name.lowercased() {
        case "tiny":   // a few hundred thousand parameters: tests and smoke runs
            c = Gemma2Config(vocabSize: 512, hiddenSize: 64, intermediateSize: 128, numLayers: 2, numHeads: 4,
                             numKVHeads: 2, headDim: 16, queryPreAttnScalar: 16, slidingWindow: 64)
        case "mini":   // ~10M parameters with an 8k vocabulary: Duet's own default models
            c = Gemma2Config(vocabSize: 8192, hiddenSize: 256, intermediateSize: 768, numLayers: 6, numHeads: 4,
                             numKVHeads: 2, headDim: 64, queryPreAttnScalar: 64, slidingWindow: 128)
        case "s", "small":
            c = Gemma2Config(hiddenSize: 512, intermediateSize: 1024, numLayers: 8, numHeads: 8, numKVHeads: 8,
                             headDim: 64, queryPreAttnScalar: 64)
        case "b", "base":
            c = Gemma2Config(hiddenSize: 768, intermediateSize: 2048, numLayers: 12, numHeads: 12, numKVHeads: 12,
                             headDim: 64, queryPreAttnScalar: 64)
        case "2b":
            c = Gemma2Config()
        case "9b":
            c = Gemma2Config(hiddenSize: 3584, intermediateSize: 14336, numLayers: 42, numHeads: 16, numKVHeads: 8,
                             headDim: 256, queryPreAttnScalar: 256)
        default:
            return nil
        }
        if let vocabSize { c.vocabSize = vocabSize }
        return c
    }

    /// Names `gemma2(_:)` accepts.
    public static let names = ["tiny", "mini", "s", "b", "2b", "9b"]

    /// A Gemma 3 text configuration by name: the released text-only shapes (270m, 1b: one KV head of
    /// 256, sliding window 512, 32k positions) or Duet's small sizes with Gemma 3's computation
    /// (q/k norms, five sliding layers per full one, RoPE 10k / 1M, no soft-caps).
    public static func gemma3(_ name: String, vocabSize: Int? = nil) -> Gemma2Config? {
        var c: Gemma2Config
        switch name.lowercased() {
        case "270m":
            c = Gemma2Config(vocabSize: 262_144, hiddenSize: 640, intermediateSize: 2048, numLayers: 18, numHeads: 4,
                             numKVHeads: 1, headDim: 256, queryPreAttnScalar: 256, slidingWindow: 512)
            c.maxPositionEmbeddings = 32_768
        case "1b":
            c = Gemma2Config(vocabSize: 262_144, hiddenSize: 1152, intermediateSize: 6912, numLayers: 26, numHeads: 4,
                             numKVHeads: 1, headDim: 256, queryPreAttnScalar: 256, slidingWindow: 512)
            c.maxPositionEmbeddings = 32_768
        default:
            guard let small = gemma2(name), ["tiny", "mini"].contains(name.lowercased()) else { return nil }
            c = small
            c.maxPositionEmbeddings = 32_768
        }
        c.layerTypes = Gemma3Text.defaultLayerTypes(c.numLayers)
        c.attnLogitSoftcap = nil
        c.finalLogitSoftcap = nil
        c.ropeTheta = 1_000_000
        c.gemma3 = Gemma3Text()
        if let vocabSize {
            c.vocabSize = vocabSize
        } else if c.vocabSize == 262_144 {
            c.eosTokenIDs = [1, 106]  // <eos> and <end_of_turn> of Gemma 3's own vocabulary, as the releases list them
        }
        return c
    }

    /// Names `gemma3(_:)` accepts.
    public static let gemma3Names = ["tiny", "mini", "270m", "1b"]
}
