import Foundation

/// The shape of the learning rate after warm-up.
public enum LearningRateDecay: String, Sendable, Codable, CaseIterable {
    /// Half a cosine from the peak down to `minimumFraction · peak` at the last step.
    case cosine
    /// The peak until the end.
    case constant
}

/// Linear warm-up to a peak, then cosine decay to a floor (or constant): the schedule of nanoGPT
/// and most LLM recipes.
///
/// Steps count from 0 (the first optimizer step is step 0). Warm-up uses `(step + 1) / warmup`, so the
/// first step already moves the weights and step `warmup − 1` reaches the peak (HF's
/// `get_cosine_schedule_with_warmup` starts at 0 instead, wasting a step). After warm-up the cosine
/// runs over steps `warmup ..< total`: `min + (peak − min) · ½(1 + cos(π · progress))` with
/// `progress = (step − warmup) / (total − warmup)`, so the last step is just above the floor; steps
/// past `total` stay at the floor.
public struct LearningRateSchedule: Sendable, Codable, Equatable {
    public var peak: Double
    public var warmupSteps: Int
    public var totalSteps: Int
    public var decay: LearningRateDecay
    /// Floor of the cosine as a fraction of the peak.
    public var minimumFraction: Double

    public init(peak: Double, warmupSteps: Int = 0, totalSteps: Int, decay: LearningRateDecay = .cosine,
                minimumFraction: Double = 0.1) {
        self.peak = peak
        self.warmupSteps = max(0, warmupSteps)
        self.totalSteps = totalSteps
        self.decay = decay
        self.minimumFraction = minimumFraction
    }

    /// The learning rate of optimizer step `step` (0-based).
    public func learningRate(at step: Int) -> Double {
        if step < warmupSteps {
            return peak * Double(step + 1) / Double(warmupSteps)
        }
        switch decay {
        case .constant:
            return peak
        case .cosine:
            let span = totalSteps - warmupSteps
            let floor = peak * minimumFraction
            guard span > 0 else { return peak }
            let progress = min(1, Double(step - warmupSteps) / Double(span))
            return floor + (peak - floor) * 0.5 * (1 + cos(Double.pi * progress))
        }
    }
}
