/// How training data becomes batches: the objective, the architecture the batches are for, their
/// shapes, and the seed that makes every choice (split, shuffles, UL2 masks) reproducible.
public struct DataOptions: Sendable, Codable, Equatable {
    public var objective: TrainingObjective
    /// True for T5Gemma (encoder input + decoder labels), false for Gemma 2 (one row per example).
    public var encoderDecoder: Bool
    /// Rows per batch (the last batch of an epoch may have fewer).
    public var batchSize: Int
    /// Decoder-only: tokens per row. Encoder-decoder: the encoder (input) length.
    public var sequenceLength: Int
    /// Encoder-decoder: the decoder length (nil: `sequenceLength`). Ignored for decoder-only.
    public var targetLength: Int?
    /// PrefixLM's prefix/target split.
    public var prefixSplit: PrefixSplit
    /// UL2's denoisers.
    public var ul2: UL2Mixture
    /// Pack several short examples into one row (separate `segments`, positions restarting at 0, no
    /// attention across examples). Encoder-decoder: an encoder row and its decoder row hold the same
    /// examples with the same segment ids (both rows within their lengths), and cross-attention keeps
    /// each example to its own encoder tokens. Off: one example per row.
    public var packing: Bool
    /// Fraction of the documents held out for validation (chosen by `seed`).
    public var validationFraction: Double
    public var seed: UInt64

    public init(objective: TrainingObjective = .clm, encoderDecoder: Bool = false, batchSize: Int = 8,
                sequenceLength: Int = 512, targetLength: Int? = nil, prefixSplit: PrefixSplit = .half,
                ul2: UL2Mixture = .t5Gemma2, packing: Bool = true, validationFraction: Double = 0.05,
                seed: UInt64 = 0) {
        self.objective = objective
        self.encoderDecoder = encoderDecoder
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
        self.targetLength = targetLength
        self.prefixSplit = prefixSplit
        self.ul2 = ul2
        self.packing = packing
        self.validationFraction = validationFraction
        self.seed = seed
    }

    /// The decoder row length: `sequenceLength` for decoder-only, `targetLength ?? sequenceLength`
    /// for encoder-decoder.
    public var decoderLength: Int { encoderDecoder ? (targetLength ?? sequenceLength) : sequenceLength }

    /// Throws `DataError.invalidOption` for values no batch can be built from.
    public func validate() throws {
        guard batchSize >= 1 else { throw DataError.invalidOption(name: "batchSize", reason: "must be at least 1, got \(batchSize)") }
        guard sequenceLength >= 4 else {
            throw DataError.invalidOption(name: "sequenceLength", reason: "must be at least 4, got \(sequenceLength)")
        }
        if encoderDecoder, let t = targetLength, t < 2 {
            throw DataError.invalidOption(name: "targetLength", reason: "must be at least 2, got \(t)")
        }
        guard sequenceLength <= Int(Int32.max) && decoderLength <= Int(Int32.max) else {
            throw DataError.invalidOption(name: "sequenceLength", reason: "too large")
        }
        guard validationFraction >= 0 && validationFraction < 1 else {
            throw DataError.invalidOption(name: "validationFraction", reason: "must be in [0, 1), got \(validationFraction)")
        }
        if objective == .clm && encoderDecoder {
            throw DataError.invalidOption(name: "objective", reason: "clm trains decoder-only models; use prefixlm or ul2 for encoder-decoder")
        }
        try prefixSplit.validate("prefixSplit")
        if objective == .ul2 { try ul2.validate() }
    }
}
