import Foundation
import Testing
@testable import TUI

/// The dashboard's arithmetic: TensorBoard's debiased EMA and the Keras-style ETA.
@Suite struct TrainMathTests {
    /// A noisy decreasing "loss" with a few non-finite values (deterministic).
    static func noisyLoss(_ n: Int) -> [Double] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<n).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            if i % 97 == 13 { return .nan }
            if i == 500 { return .infinity }
            return 4 * exp(-Double(i) / 300) + 1 + Double(state >> 40) / Double(1 << 24) * 0.5
        }
    }

    /// The smoothed value written out as TensorBoard defines it: over the finite values v_1...v_n seen so
    /// far, (1-w) * sum_k w^(n-k) v_k / (1 - w^n), computed as a direct sum (no recursion).
    static func reference(_ values: [Double], weight w: Double) -> [Double] {
        var finite: [Double] = []
        return values.map { v in
            guard v.isFinite else { return v }
            finite.append(v)
            let n = finite.count
            var sum = 0.0
            for (k, value) in finite.enumerated() { sum += (1 - w) * pow(w, Double(n - 1 - k)) * value }
            return sum / (1 - pow(w, Double(n)))
        }
    }

    @Test func emaMatchesTheDirectSumDefinition() {
        let values = Self.noisyLoss(1200)
        for weight in [0.0, 0.3, 0.6, 0.9, 0.99] {
            let smoothed = EMASmoothing.smooth(values, weight: weight)
            let expected = weight == 0 ? values : Self.reference(values, weight: weight)
            #expect(smoothed.count == values.count)
            for (a, b) in zip(smoothed, expected) {
                if b.isFinite {
                    #expect(abs(a - b) <= 1e-12 * max(1, abs(b)), "weight \(weight)")
                } else {
                    #expect(a.isNaN == b.isNaN && (b.isNaN || a == b))
                }
            }
        }
    }

    @Test func debiasingKeepsTheStartUnbiased() {
        // Without debiasing the first value would be (1-w) * v; with it, exactly v.
        let smoothed = EMASmoothing.smooth([10, 20, 30], weight: 0.9)
        #expect(smoothed[0] == 10)
        #expect(abs(smoothed[1] - (0.09 * 10 + 0.1 * 20) / (1 - 0.81)) < 1e-12)
        // A flat series stays exactly flat (TensorBoard's constant shortcut).
        #expect(EMASmoothing.smooth([0.1, 0.1, 0.1], weight: 0.95) == [0.1, 0.1, 0.1])
    }

    @Test func incrementalEMAEqualsTheWholeSeries() {
        let values = Self.noisyLoss(700)
        var ema = IncrementalEMA()
        var out: [Double] = []
        for end in stride(from: 0, through: values.count, by: 37) + [values.count] {
            out = ema.update(Array(values[..<end]), weight: 0.8)
        }
        let whole = EMASmoothing.smooth(values, weight: 0.8)
        #expect(out.count == whole.count)
        #expect(zip(out, whole).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
        // Changing the weight recomputes.
        let reweighted = ema.update(values, weight: 0.5)
        #expect(zip(reweighted, EMASmoothing.smooth(values, weight: 0.5)).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
        // A flat start that stops being flat is smoothed from the beginning.
        var flat = IncrementalEMA()
        _ = flat.update([2, 2, 2], weight: 0.6)
        let grown = flat.update([2, 2, 2, 5, 1], weight: 0.6)
        #expect(grown == EMASmoothing.smooth([2, 2, 2, 5, 1], weight: 0.6))
    }

    @Test func etaAveragesStepsAfterTheFirstLikeKeras() {
        var eta = ETAEstimator()
        // Irregular step times; Keras: (now - time after first step) / (steps since the first).
        let times: [Double] = [100, 100.4, 101.1, 101.5, 102.3, 102.6]
        for (i, t) in times.enumerated() { eta.observe(step: Int64(i + 1), time: t) }
        let kerasPerStep = (times.last! - times.first!) / Double(times.count - 1)
        #expect(abs(eta.secondsPerStep! - kerasPerStep) < 1e-12)
        #expect(abs(eta.remainingSeconds(totalSteps: 106)! - kerasPerStep * 100) < 1e-9)
        #expect(eta.remainingSeconds(totalSteps: 6) == 0)
        // Sparse observations (every few steps) give the same average.
        var sparse = ETAEstimator()
        sparse.observe(step: 1, time: 100)
        sparse.observe(step: 4, time: 101.5)
        sparse.observe(step: 6, time: 102.6)
        #expect(abs(sparse.secondsPerStep! - kerasPerStep) < 1e-12)
    }

    @Test func etaLeavesPausesOutAndRestartsOnResume() {
        var eta = ETAEstimator()
        var t = 0.0
        for step in 1...50 { eta.observe(step: Int64(step), time: t); t += 0.5 }
        t += 120  // paused for two minutes
        for step in 51...60 { eta.observe(step: Int64(step), time: t); t += 0.5 }
        #expect(abs(eta.secondsPerStep! - 0.5) < 1e-12)
        #expect(abs(eta.remainingSeconds(totalSteps: 100)! - 20) < 1e-9)
        // Steps going back (a run resumed from an earlier checkpoint): start over.
        eta.observe(step: 40, time: t + 10)
        #expect(eta.secondsPerStep == nil)
        #expect(eta.lastStep == 40)
        // Slow steps that are not pauses (short gaps) still count.
        var slow = ETAEstimator()
        for (step, time) in [0.0, 1, 2, 3, 7, 8].enumerated() { slow.observe(step: Int64(step), time: time) }
        #expect(abs(slow.secondsPerStep! - 8.0 / 5) < 1e-12)
    }
}
