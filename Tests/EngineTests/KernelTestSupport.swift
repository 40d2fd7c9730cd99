import Foundation
@testable import Engine

/// Deterministic random numbers for kernel tests (SplitMix64), so a failure reproduces exactly.
struct TestRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [lo, hi).
    mutating func uniform(_ lo: Float = -1, _ hi: Float = 1) -> Float {
        lo + (hi - lo) * Float(next() >> 40) / Float(1 << 24)
    }

    mutating func floats(_ count: Int, _ lo: Float = -1, _ hi: Float = 1) -> [Float] {
        (0..<count).map { _ in uniform(lo, hi) }
    }

    mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
}

/// Heap memory with a stable address for the life of the object (kernel masks hold raw pointers).
final class Pinned<T> {
    let pointer: UnsafeMutablePointer<T>
    let count: Int
    init(_ values: [T]) {
        count = values.count
        pointer = .allocate(capacity: max(1, values.count))
        pointer.initialize(from: values, count: values.count)
    }
    deinit { pointer.deinitialize(count: count); pointer.deallocate() }
    var array: [T] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}

/// Central finite differences of a double-precision reference loss at `x` for the chosen indices.
func numericGradient(_ x: [Float], indices: [Int], step: Double = 1e-4, loss: ([Double]) -> Double) -> [Double] {
    var xd = x.map(Double.init)
    return indices.map { i in
        let saved = xd[i]
        xd[i] = saved + step
        let plus = loss(xd)
        xd[i] = saved - step
        let minus = loss(xd)
        xd[i] = saved
        return (plus - minus) / (2 * step)
    }
}

/// ‖analytic − numeric‖ / ‖numeric‖ (norm-wise relative error; 0 when both vanish).
func relativeError(_ analytic: [Double], _ numeric: [Double]) -> Double {
    var diff = 0.0, norm = 0.0
    for (a, n) in zip(analytic, numeric) {
        diff += (a - n) * (a - n)
        norm += n * n
    }
    if norm == 0 { return diff.squareRoot() }
    return (diff / norm).squareRoot()
}

/// Up to `limit` indices of `0..<count`, spread over the whole range (all when count <= limit).
func sampleIndices(_ count: Int, limit: Int = 48, rng: inout TestRandom) -> [Int] {
    if count <= limit { return Array(0..<count) }
    return (0..<limit).map { _ in rng.int(0..<count) }
}

/// Largest |a − b| relative to the largest |b| (or 1 when b is small).
func maxScaledError(_ a: [Float], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "\(a.count) vs \(b.count)")
    let scale = max(1, b.map(abs).max() ?? 0)
    return zip(a, b).map { abs(Double($0) - $1) }.max().map { $0 / scale } ?? 0
}
