/// Percentile bootstrap over evaluation items: how much an accuracy (or the difference between two models'
/// accuracies on the same items) could move if the items had been drawn again. Seeded, so a report
/// prints the same interval every time.
public enum Bootstrap {
    /// A two-sided confidence interval.
    public struct Interval: Sendable, Equatable {
        public var low: Double
        public var high: Double

        public init(low: Double, high: Double) {
            self.low = low
            self.high = high
        }

        /// True when the interval lies wholly above zero (a difference "outside the noise").
        public var excludesZero: Bool { low > 0 || high < 0 }
    }

    /// The 95% interval of the mean of `correct` (1 for a right item, 0 for a wrong one).
    public static func accuracy(_ correct: [Bool], resamples: Int = 2000, level: Double = 0.95,
                                seed: UInt64 = 20_250_101) -> Interval {
        meanInterval(correct.map { $0 ? 1 : 0 }, resamples: resamples, level: level, seed: seed)
    }

    /// The interval of accuracy(a) - accuracy(b) over paired items (item i of `a` and `b` is the same
    /// question), resampling items, as one compares two models on one test set.
    public static func pairedDifference(_ a: [Bool], _ b: [Bool], resamples: Int = 2000, level: Double = 0.95,
                                        seed: UInt64 = 20_250_101) -> Interval {
        precondition(a.count == b.count, "paired bootstrap needs the same items")
        return meanInterval(zip(a, b).map { Double(($0 ? 1 : 0) - ($1 ? 1 : 0)) }, resamples: resamples,
                            level: level, seed: seed)
    }

    /// The percentile interval of the mean of `values` over `resamples` draws with replacement.
    public static func meanInterval(_ values: [Double], resamples: Int, level: Double, seed: UInt64) -> Interval {
        guard !values.isEmpty, resamples > 0 else { return Interval(low: 0, high: 0) }
        var state = seed
        var means: [Double] = []
        means.reserveCapacity(resamples)
        let n = values.count
        for _ in 0..<resamples {
            var sum = 0.0
            for _ in 0..<n { sum += values[Int(splitMix(&state) % UInt64(n))] }
            means.append(sum / Double(n))
        }
        return percentileInterval(means, level: level)
    }

    /// The central `level` interval of bootstrap statistics (sorted here).
    static func percentileInterval(_ statistics: [Double], level: Double) -> Interval {
        let sorted = statistics.sorted(), n = sorted.count
        guard n > 0 else { return Interval(low: 0, high: 0) }
        let tail = (1 - level) / 2
        let lowIndex = min(n - 1, max(0, Int((tail * Double(n)).rounded(.down))))
        let highIndex = min(n - 1, max(0, Int(((1 - tail) * Double(n)).rounded(.up)) - 1))
        return Interval(low: sorted[lowIndex], high: sorted[highIndex])
    }

    /// SplitMix64: small, fast and good enough to draw item indices.
    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
