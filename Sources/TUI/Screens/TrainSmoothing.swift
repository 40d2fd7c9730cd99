import Foundation

/// TensorBoard's scalar smoothing: an exponential moving average with debiasing, so the first points are
/// not pulled towards zero (`last = last*w + (1-w)*v; smoothed = last / (1 - w^n)` over the n finite
/// values so far). Non-finite values pass through unsmoothed and do not count; a constant series is
/// returned as is (TensorBoard does the same so rounding never makes a flat line wobble).
/// W&B documents its "exponential moving average" as identical to TensorBoard's.
public enum EMASmoothing {
    /// The smoothed series for `weight` in 0..<1 (0: no smoothing).
    public static func smooth(_ values: ArraySlice<Double>, weight: Double) -> [Double] {
        let w = min(max(weight, 0), 0.999)
        guard w > 0, let firstValue = values.first, !values.allSatisfy({ $0 == firstValue }) else { return Array(values) }
        var out = [Double](repeating: 0, count: values.count)
        var last = 0.0
        var weightPower = 1.0  // w^n, updated by multiplication: one pow per series, not per point
        out.withUnsafeMutableBufferPointer { result in
            var i = 0
            for v in values {
                if v.isFinite {
                    last = last * w + (1 - w) * v
                    weightPower *= w
                    result[i] = last / (1 - weightPower)
                } else {
                    result[i] = v
                }
                i += 1
            }
        }
        return out
    }

    public static func smooth(_ values: [Double], weight: Double) -> [Double] { smooth(values[...], weight: weight) }
}

/// A smoothed copy of a growing series that is extended, not recomputed, as points arrive (the EMA of the
/// first n points does not depend on later ones), and recomputed when the weight changes.
struct IncrementalEMA {
    private(set) var weight = -1.0
    private(set) var smoothed: [Double] = []
    private var last = 0.0
    private var weightPower = 1.0
    private var constantValue: Double? = nil  // while every value so far is equal (TensorBoard's flat case)

    /// The smoothed values of `values`, which must extend the values of the previous call (or `reset`).
    mutating func update(_ values: [Double], weight newWeight: Double) -> [Double] {
        let w = min(max(newWeight, 0), 0.999)
        if w != weight || values.count < smoothed.count {
            weight = w
            smoothed = []
            last = 0
            weightPower = 1
            constantValue = values.first
        }
        guard smoothed.count < values.count else { return smoothed }
        if let c = constantValue, values[smoothed.count...].contains(where: { $0 != c }) {
            // The series stops being flat: from here on the recursion applies to all of it.
            constantValue = nil
            smoothed = []
            last = 0
            weightPower = 1
        }
        if constantValue != nil || w == 0 {
            smoothed.append(contentsOf: values[smoothed.count...])
            return smoothed
        }
        smoothed.reserveCapacity(values.count)
        for v in values[smoothed.count...] {
            if v.isFinite {
                last = last * w + (1 - w) * v
                weightPower *= w
                smoothed.append(last / (1 - weightPower))
            } else {
                smoothed.append(v)
            }
        }
        return smoothed
    }
}
