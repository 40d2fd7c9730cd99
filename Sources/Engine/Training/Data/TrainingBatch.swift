/// Sampled teacher probabilities for knowledge distillation (t5gemma-reference §1.3): for each
/// decoder target row, the teacher's top `k` token ids and their renormalised probabilities.
public struct SoftTargets: Sendable, Equatable {
    public var k: Int
    /// `[rows * k]`; rows whose hard target is -100 are ignored.
    public var ids: [Int32]
    /// `[rows * k]`, each row summing to 1.
    public var probabilities: [Float]

    public init(k: Int, ids: [Int32], probabilities: [Float]) {
        self.k = k
        self.ids = ids
        self.probabilities = probabilities
    }
}

/// One optimisation micro-batch. Decoder-only: `encoderInput` is nil and `decoderInput` holds the
/// whole sequence, with `targets[t]` the token to predict after position `t` (as
/// `Gemma2Model.shiftedTargets`). Encoder-decoder: the encoder reads `encoderInput`; `decoderInput`
/// is the labels shifted right after `<bos>` and `targets[t]` the label at `t` (as
/// `T5GemmaModel.decoderInputs(labels:bos:pad:)`).
public struct TrainingBatch: Sendable, Equatable {
    public var encoderInput: TokenBatch?
    public var decoderInput: TokenBatch
    /// `[decoderInput.batch * decoderInput.length]`, -100 = ignore.
    public var targets: [Int32]
    /// Filled by the trainer's distillation step; nil from the data pipeline.
    public var softTargets: SoftTargets?

    public init(encoderInput: TokenBatch?, decoderInput: TokenBatch, targets: [Int32], softTargets: SoftTargets? = nil) {
        precondition(targets.count == decoderInput.batch * decoderInput.length,
                     "\(targets.count) targets for a \(decoderInput.batch)x\(decoderInput.length) decoder input")
        self.encoderInput = encoderInput
        self.decoderInput = decoderInput
        self.targets = targets
        self.softTargets = softTargets
    }

    /// The number of targets that count in the loss (not -100).
    public var targetTokenCount: Int {
        var n = 0
        for t in targets where t != -100 { n += 1 }
        return n
    }
}

/// A resumable place in the training stream: batch `index` of epoch `epoch`. Saving the iterator's
/// position after a step and resuming from it continues with exactly the batches that would have
/// followed.
public struct DataPosition: Sendable, Codable, Equatable, Hashable {
    public var epoch: Int
    public var index: Int

    public init(epoch: Int = 0, index: Int = 0) {
        self.epoch = epoch
        self.index = index
    }

    /// The start of the stream.
    public static let start = DataPosition()
}
