import DuetCore
/// The random source of the synthetic data generator.
///
/// Every choice goes through these few methods, written out here rather than taken from the standard
/// library (`Int.random(in:using:)`, `shuffle(using:)`), whose algorithms are free to change between
/// Swift releases: the same seed must give byte-identical files on every toolchain and platform.
public struct SynthRandom {
    private var generator: SeededGenerator

    public init(seed: UInt64) {
        generator = SeededGenerator(seed: seed)
    }

    /// A seed derived from `seed` and a stream name, so that each file of a data set has its own
    /// independent stream (and the size of one file never changes the contents of another).
    public static func derive(_ seed: UInt64, _ stream: String) -> UInt64 {
        var h = StableHash.fnv1a(stream) ^ (seed &* 0x9E37_79B9_7F4A_7C15)
        h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }

    /// The next raw 64 bits.
    public mutating func next() -> UInt64 { generator.next() }

    /// A uniform integer in `0..<n` (`n > 0`), by rejection so that no value is favoured.
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0, "SynthRandom.below needs a positive bound")
        let bound = UInt64(n)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let x = generator.next()
            if x < limit { return Int(x % bound) }
        }
    }

    /// A uniform integer in `range`.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `percent`/100.
    public mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    /// A uniformly chosen element of a non-empty array.
    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// An index chosen with probability proportional to `weights` (non-negative, not all zero).
    public mutating func weightedIndex(_ weights: [Int]) -> Int {
        let total = weights.reduce(0, +)
        precondition(total > 0, "SynthRandom.weightedIndex needs a positive total weight")
        var r = below(total)
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }

    /// The elements in a uniformly random order (Fisher-Yates).
    public mutating func shuffled<T>(_ items: [T]) -> [T] {
        var out = items
        if out.count < 2 { return out }
        for i in stride(from: out.count - 1, to: 0, by: -1) {
            out.swapAt(i, below(i + 1))
        }
        return out
    }

    /// `count` distinct elements of `items` (`count <= items.count`), in random order.
    public mutating func sample<T>(_ items: [T], count: Int) -> [T] {
        precondition(count <= items.count, "SynthRandom.sample: \(count) of \(items.count)")
        var pool = items
        var out: [T] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            let i = below(pool.count)
            out.append(pool[i])
            pool.swapAt(i, pool.count - 1)
            pool.removeLast()
        }
        return out
    }
}

/// Hashes that never change between runs (Swift's `Hasher` is seeded per process).
public enum StableHash {
    /// 64-bit FNV-1a of the UTF-8 bytes of `text`.
    public static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }
}
