/// Which parameters a step trained.
public enum TrainingPhase: String, Sendable, Codable {
    /// Only cross-attention and its norms (the start of encoder-decoder adaptation).
    case crossAttentionWarmup = "cross-attention warm-up"
    /// Every parameter.
    case full
}

/// What one optimizer step did.
public struct StepReport: Sendable, Equatable {
    /// 1-based number of the step (the first step is 1), i.e. steps done after it.
    public var step: Int
    /// Mean optimised loss over the step's counted targets (`(1 − W)·hard + W·soft` with distillation).
    public var loss: Double
    /// Mean hard-target cross-entropy (equal to `loss` without distillation).
    public var hardLoss: Double
    /// Mean soft-target cross-entropy; nil without distillation.
    public var softLoss: Double?
    public var learningRate: Double
    /// Global gradient norm before clipping.
    public var gradientNorm: Double
    public var clipped: Bool
    /// Loss or gradients were NaN/inf: no parameter moved.
    public var skipped: Bool
    public var phase: TrainingPhase
    /// Counted target tokens and input tokens (real, not padding; encoder + decoder) of the step.
    public var targetTokens: Int
    public var inputTokens: Int
    /// Seconds the step waited for the gradients to be summed over the process group after its backward
    /// (0 for one process); with an overlapped reduction only the part the backward did not hide.
    public var allReduceSeconds: Double = 0
}

/// Validation loss and next-token accuracy.
public struct EvaluationReport: Sendable, Equatable {
    /// Steps done when it was measured.
    public var step: Int
    /// Mean hard-target cross-entropy over every counted validation target.
    public var loss: Double
    /// Fraction of counted targets that are the arg-max prediction.
    public var accuracy: Double
    public var targetTokens: Int
}
