/// Time left in a run, estimated as Keras's `Progbar` does: the average time per step over every step
/// after the first (the first one carries start-up costs), times the steps left. Unlike Progbar it is
/// fed the steps' wall times as recorded in the database, so a pause would inflate the average: an
/// interval far slower than the average so far (more than `pauseFactor` times it, and longer than
/// `minimumPause` seconds) is taken for a pause and left out.
public struct ETAEstimator: Equatable {
    /// An interval this many times slower than the average is a pause...
    public var pauseFactor = 20.0
    /// ...if it is also longer than this (seconds).
    public var minimumPause = 5.0
    /// Seconds and steps that count towards the average.
    public private(set) var activeSeconds = 0.0
    public private(set) var activeSteps = 0.0
    public private(set) var lastStep: Int64? = nil
    private var lastTime = 0.0

    public init() {}

    /// Records that `step` was done at `time` (seconds). Steps must increase; a smaller one (a run resumed
    /// from an earlier checkpoint) starts the estimate over.
    public mutating func observe(step: Int64, time: Double) {
        guard let previous = lastStep, step >= previous else {
            if lastStep != nil { self = ETAEstimator(pauseFactor: pauseFactor, minimumPause: minimumPause) }
            lastStep = step
            lastTime = time
            return
        }
        guard step > previous else { return }
        let seconds = time - lastTime, steps = Double(step - previous)
        let isPause = secondsPerStep.map { average in
            activeSteps >= 2 && seconds > minimumPause && seconds / steps > pauseFactor * average
        } ?? false
        if seconds >= 0 && !isPause {
            activeSeconds += seconds
            activeSteps += steps
        }
        lastStep = step
        lastTime = time
    }

    /// Average seconds per step, once two steps were seen.
    public var secondsPerStep: Double? { activeSteps > 0 ? activeSeconds / activeSteps : nil }

    /// Seconds left to reach `totalSteps` from the last step observed.
    public func remainingSeconds(totalSteps: Int64) -> Double? {
        guard let perStep = secondsPerStep, let lastStep else { return nil }
        return perStep * Double(max(0, totalSteps - lastStep))
    }

    init(pauseFactor: Double, minimumPause: Double) {
        self.pauseFactor = pauseFactor
        self.minimumPause = minimumPause
    }
}
