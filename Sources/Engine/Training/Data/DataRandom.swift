/// The data pipeline's random numbers: SplitMix64, with every draw defined here rather than by the
/// standard library (whose `random(in:using:)` and `shuffle(using:)` algorithms may change between
/// Swift releases), so that a (seed, position) pair names the same batches on every build.
struct DataRandom: Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// A generator for one purpose, derived from a seed and a path of integers (epoch, document, ...).
    init(seed: UInt64, _ path: UInt64...) {
        var s = Self.mix(seed ^ 0x5851_F42D_4C95_7F2D)
        for p in path { s = Self.mix(s ^ Self.mix(p &+ 0x2545_F491_4F6C_DD1D)) }
        state = s
    }

    /// SplitMix64's finaliser: a bijective scramble of 64 bits.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// Uniform in `0..<bound` (Lemire's multiply-and-reject, unbiased).
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold { product = next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }

    /// Uniform in [0, 1) with 53 random bits.
    mutating func unitDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `x` rounded down or up at random so that the expected result is exactly `x`.
    mutating func roundStochastically(_ x: Double) -> Int {
        let lower = x.rounded(.down)
        return Int(lower) + (unitDouble() < x - lower ? 1 : 0)
    }

    /// Fisher-Yates shuffle.
    mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, below(i + 1))
        }
    }
}
