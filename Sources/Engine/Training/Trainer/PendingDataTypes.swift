// Stand-in for the data pipeline's types (branch `data`), with exactly the interface agreed with it,
// so the trainer builds and tests before that branch lands. Deleted when `data` is merged.

/// Training objectives the data pipeline implements.
public enum TrainingObjective: String, Sendable, Codable, CaseIterable { case clm, prefixlm, ul2, sft }

/// Top-k teacher probabilities per target row: `ids` and `probabilities` are `[rows * k]`.
public struct SoftTargets: Sendable {
    public var k: Int
    public var ids: [Int32]
    public var probabilities: [Float]

    public init(k: Int, ids: [Int32], probabilities: [Float]) {
        self.k = k
        self.ids = ids
        self.probabilities = probabilities
    }
}

/// One batch ready for a forward/backward pass.
public struct TrainingBatch: Sendable {
    public var encoderInput: TokenBatch?
    public var decoderInput: TokenBatch
    public var targets: [Int32]
    public var softTargets: SoftTargets?

    public init(encoderInput: TokenBatch?, decoderInput: TokenBatch, targets: [Int32], softTargets: SoftTargets? = nil) {
        self.encoderInput = encoderInput
        self.decoderInput = decoderInput
        self.targets = targets
        self.softTargets = softTargets
    }

    /// Targets that count (not -100).
    public var targetTokenCount: Int { targets.reduce(0) { $0 + ($1 != -100 ? 1 : 0) } }
}

/// Where a batch iterator is in the data: epoch and batch index within it.
public struct DataPosition: Sendable, Codable, Equatable {
    public var epoch: Int
    public var index: Int

    public init(epoch: Int, index: Int) {
        self.epoch = epoch
        self.index = index
    }
}
