/// Distillation from a teacher model: soft targets from its renormalised top-k next-token
/// probabilities, mixed into the loss as `weight · soft CE + (1 − weight) · hard CE`.
public struct DistillationConfig: Sendable, Codable, Equatable {
    /// Directory of the teacher (decoder-only or encoder-decoder, same vocabulary as the student).
    public var teacherDirectory: String
    public var topK: Int
    public var weight: Float

    public init(teacherDirectory: String, topK: Int = 32, weight: Float = 0.5) {
        self.teacherDirectory = teacherDirectory
        self.topK = topK
        self.weight = weight
    }
}

/// Everything that decides how the weights move, besides the data: optimizer, schedule,
/// clipping, accumulation, warm-up of new cross-attention, distillation, and the loop's cadence.
/// Stored in every checkpoint, so a resumed run continues with exactly the same settings.
public struct TrainingConfig: Sendable, Codable, Equatable {
    /// Optimizer steps of the whole run.
    public var steps: Int
    /// Peak learning rate.
    public var learningRate: Double
    public var warmupSteps: Int
    public var decay: LearningRateDecay
    /// Floor of the cosine as a fraction of the peak.
    public var minimumLearningRateFraction: Double
    public var optimizer: AdamWConfig
    /// Global gradient-norm limit; nil = no clipping.
    public var clipNorm: Double?
    /// Micro-batches per optimizer step.
    public var gradientAccumulation: Int
    /// Encoder-decoder adaptation: for the first this many steps only cross-attention (and its
    /// norms) trains; see `ParameterRoles.isCrossAttention`.
    public var crossAttentionWarmupSteps: Int
    public var distillation: DistillationConfig?
    /// Validation every this many steps (0 = only at the end).
    public var evalEvery: Int
    /// Checkpoint every this many steps (0 = only at the end).
    public var checkpointEvery: Int
    /// Consecutive non-finite steps that stop the run.
    public var maxConsecutiveNonFinite: Int
    /// Seed of the run (the data order derives from it).
    public var seed: UInt64

    public init(steps: Int, learningRate: Double = 3e-4, warmupSteps: Int = 0, decay: LearningRateDecay = .cosine,
                minimumLearningRateFraction: Double = 0.1, optimizer: AdamWConfig = AdamWConfig(),
                clipNorm: Double? = 1.0, gradientAccumulation: Int = 1, crossAttentionWarmupSteps: Int = 0,
                distillation: DistillationConfig? = nil, evalEvery: Int = 0, checkpointEvery: Int = 0,
                maxConsecutiveNonFinite: Int = 3, seed: UInt64 = 0) {
        self.steps = steps
        self.learningRate = learningRate
        self.warmupSteps = warmupSteps
        self.decay = decay
        self.minimumLearningRateFraction = minimumLearningRateFraction
        self.optimizer = optimizer
        self.clipNorm = clipNorm
        self.gradientAccumulation = gradientAccumulation
        self.crossAttentionWarmupSteps = crossAttentionWarmupSteps
        self.distillation = distillation
        self.evalEvery = evalEvery
        self.checkpointEvery = checkpointEvery
        self.maxConsecutiveNonFinite = maxConsecutiveNonFinite
        self.seed = seed
    }

    public var schedule: LearningRateSchedule {
        LearningRateSchedule(peak: learningRate, warmupSteps: warmupSteps, totalSteps: steps, decay: decay,
                             minimumFraction: minimumLearningRateFraction)
    }

    /// Rejects settings out of range, naming the option.
    public func validate() throws {
        func check(_ ok: Bool, _ field: String, _ reason: String) throws {
            if !ok { throw TrainingError.invalidConfiguration(field: field, reason: reason) }
        }
        try check(steps > 0, "steps", "must be positive, got \(steps)")
        try check(learningRate.isFinite && learningRate >= 0, "learning rate", "must be finite and ≥ 0, got \(learningRate)")
        try check(warmupSteps >= 0, "warmup", "must be ≥ 0")
        try check((0...1).contains(minimumLearningRateFraction), "minimum learning rate fraction", "must be in [0, 1]")
        try check((0..<1).contains(optimizer.beta1) && (0..<1).contains(optimizer.beta2), "betas", "must be in [0, 1)")
        try check(optimizer.epsilon > 0, "epsilon", "must be positive")
        try check(optimizer.weightDecay >= 0, "weight decay", "must be ≥ 0")
        try check(clipNorm.map { $0 > 0 && $0.isFinite } ?? true, "clip", "must be positive")
        try check(gradientAccumulation >= 1, "grad accumulation", "must be ≥ 1")
        try check(crossAttentionWarmupSteps >= 0, "cross-attention warm-up", "must be ≥ 0")
        try check(evalEvery >= 0 && checkpointEvery >= 0, "eval/checkpoint interval", "must be ≥ 0")
        try check(maxConsecutiveNonFinite >= 1, "max consecutive non-finite steps", "must be ≥ 1")
        if let d = distillation {
            try check(d.topK >= 1, "distill top-k", "must be ≥ 1")
            try check((0...1).contains(d.weight), "distill weight", "must be in [0, 1]")
        }
    }
}
