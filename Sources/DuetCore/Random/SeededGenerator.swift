/// A small, fast, seedable random generator (xoshiro256**, seeded through SplitMix64), so a seed
/// reproduces a sampled output, initial weights or a synthetic data set exactly on every machine.
///
/// Inlinable: the engine's weight initialisation and the data generator draw from it in tight loops
/// in other modules.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    @usableFromInline var s: (UInt64, UInt64, UInt64, UInt64)

    @inlinable
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9e37_79b9_7f4a_7c15
            var z = x
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    @inlinable
    public mutating func next() -> UInt64 {
        let x = s.1 &* 5
        let result = ((x << 7) | (x >> 57)) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 24 bits.
    @inlinable
    public mutating func nextUnit() -> Float { Float(next() >> 40) * 0x1p-24 }
}
