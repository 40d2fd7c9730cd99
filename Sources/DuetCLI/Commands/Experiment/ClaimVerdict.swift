import Engine

/// What the numbers say about one claim, derived only from a 95% interval of a difference (and, for the
/// unbalanced claim, a latency condition): never written by hand.
enum ClaimVerdict: String, Sendable, Equatable {
    case holds = "holds"
    case doesNotHold = "does not hold"
    case inconclusive = "inconclusive (CI crosses 0)"

    /// A claim that A beats B, from the interval of A − B: above zero holds, below zero does not, else inconclusive.
    init(difference interval: Bootstrap.Interval) {
        if interval.low > 0 {
            self = .holds
        } else if interval.high < 0 {
            self = .doesNotHold
        } else {
            self = .inconclusive
        }
    }

    /// "A beats B at about B's decode latency": the quality verdict, unless A is better but slower than
    /// `ExperimentThresholds.aboutSameLatency` times B per token, which does not hold either.
    init(difference interval: Bootstrap.Interval, latencyRatio: Double) {
        let quality = ClaimVerdict(difference: interval)
        if quality == .holds && !(latencyRatio <= ClaimThresholds.aboutSameLatency) {
            self = .doesNotHold
        } else {
            self = quality
        }
    }
}

/// The fixed rules the verdicts use.
enum ClaimThresholds {
    /// "About the same decode latency": at most this many times the other model's milliseconds per token.
    static let aboutSameLatency = 1.25
    /// z for a two-sided 95% normal interval.
    static let z95 = 1.959964
}

/// The 95% interval of the difference of two accuracies each measured on `n` independent items (normal
/// approximation): the probe reports accuracies, not per-item outcomes, so no bootstrap is possible there.
func proportionDifferenceInterval(_ a: Double, _ b: Double, n: Int) -> Bootstrap.Interval {
    guard n > 0 else { return Bootstrap.Interval(low: -1, high: 1) }
    let se = ((a * (1 - a) + b * (1 - b)) / Double(n)).squareRoot()
    let d = a - b
    return Bootstrap.Interval(low: d - ClaimThresholds.z95 * se, high: d + ClaimThresholds.z95 * se)
}
