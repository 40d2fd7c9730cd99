import DuetCore
#if canImport(Glibc)
import Glibc
#endif

/// Chooses tokens from logits: repetition penalty, temperature, min-p, top-k, top-p, then a draw.
/// Buffers are allocated once per vocabulary size, so sampling allocates nothing per token.
public struct Sampler {
    public let parameters: SamplingParameters
    /// `parameters` with the defaults filled in, as Float.
    private let settings: EffectiveSampling
    private var rng: SeededGenerator
    private var candidates: [Int32]
    private var weights: [Float]

    public init(parameters: SamplingParameters, vocabularySize: Int) {
        self.parameters = parameters
        settings = EffectiveSampling(parameters)
        rng = SeededGenerator(seed: settings.seed)
        candidates = [Int32](repeating: 0, count: vocabularySize)
        weights = [Float](repeating: 0, count: vocabularySize)
    }

    /// Applies the repetition penalty in place (HF semantics: divide positive logits, multiply negative ones).
    public static func penalize(_ logits: UnsafeMutablePointer<Float>, seen: [Bool], penalty: Float) {
        guard penalty != 1 else { return }
        for i in seen.indices where seen[i] {
            logits[i] = logits[i] > 0 ? logits[i] / penalty : logits[i] * penalty
        }
    }

    /// Index of the largest logit (first on ties, as torch.argmax).
    public static func argmax(_ logits: UnsafePointer<Float>, count: Int) -> Int32 {
        var best = 0
        var bestValue = logits[0]
        for i in 1..<count where logits[i] > bestValue {
            bestValue = logits[i]
            best = i
        }
        return Int32(best)
    }

    /// Picks the next token from `logits` (`count` entries).
    public mutating func sample(_ logits: UnsafePointer<Float>, count: Int) -> Int32 {
        if settings.isGreedy { return Sampler.argmax(logits, count: count) }
        let p = settings
        let maxLogit = logits[Int(Sampler.argmax(logits, count: count))]
        let invT = 1 / p.temperature
        var n = 0
        var total: Float = 0
        candidates.withUnsafeMutableBufferPointer { cand in
            weights.withUnsafeMutableBufferPointer { w in
                // Softmax weights relative to the max token (whose weight is 1), so min-p compares
                // each weight with minP directly.
                for i in 0..<count {
                    let e = expf((logits[i] - maxLogit) * invT)
                    if e > 0 && e >= p.minP {
                        cand[n] = Int32(i)
                        w[n] = e
                        n += 1
                    }
                }
                if (p.topK > 0 && p.topK < n) || p.topP < 1 {
                    Sampler.sortDescending(cand.baseAddress!, w.baseAddress!, n)
                    if p.topK > 0 { n = min(n, p.topK) }
                    if p.topP < 1 {
                        var sum: Float = 0
                        for i in 0..<n { sum += w[i] }
                        var acc: Float = 0
                        for i in 0..<n {
                            acc += w[i]
                            if acc >= p.topP * sum {
                                n = i + 1
                                break
                            }
                        }
                    }
                }
                for i in 0..<n { total += w[i] }
            }
        }
        var r = rng.nextUnit() * total
        for i in 0..<n {
            r -= weights[i]
            if r < 0 { return candidates[i] }
        }
        return candidates[max(0, n - 1)]
    }

    /// Sorts the first `n` (candidate, weight) pairs by descending weight, in place (heap sort with
    /// a min-heap: no allocation).
    static func sortDescending(_ c: UnsafeMutablePointer<Int32>, _ w: UnsafeMutablePointer<Float>, _ n: Int) {
        func swap(_ i: Int, _ j: Int) {
            let tw = w[i]; w[i] = w[j]; w[j] = tw
            let tc = c[i]; c[i] = c[j]; c[j] = tc
        }
        func siftDown(_ start: Int, _ end: Int) {
            var root = start
            while 2 * root + 1 < end {
                var child = 2 * root + 1
                if child + 1 < end && w[child + 1] < w[child] { child += 1 }
                guard w[child] < w[root] else { return }
                swap(root, child)
                root = child
            }
        }
        guard n > 1 else { return }
        for s in stride(from: n / 2 - 1, through: 0, by: -1) { siftDown(s, n) }
        for end in stride(from: n - 1, to: 0, by: -1) {
            swap(0, end)
            siftDown(0, end)
        }
    }
}
