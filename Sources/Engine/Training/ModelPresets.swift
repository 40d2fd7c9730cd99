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
}
