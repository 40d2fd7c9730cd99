import Tokenizers
/// T5-style span corruption (Raffel et al. 2020, `random_spans_noise_mask`; UL2's R and X denoisers).
///
/// Of `n` tokens, `noise` in `spans` spans are corrupted. Noise and non-noise tokens are each split
/// into `spans` runs at uniformly random cut points, and the runs interleave starting with
/// non-noise. The input keeps the non-noise tokens and replaces noise span k with sentinel k; the
/// target spells out `sentinel_k span_k` for every k, then `<eos>`.
///
/// T5 rounds `n·r` and `noise/μ` to the nearest integer, which biases short windows (for n = 512,
/// μ = 32, r = 0.15: 77 noise tokens in 2 spans, mean span 38.5). Here both are rounded up or down
/// at random with the fraction as probability, so the corruption rate and the mean span length are
/// exact on average.
enum SpanCorruption {
    /// Noise token and span counts for a window of `n` tokens (n >= 2).
    static func counts(length n: Int, meanSpanLength mu: Double, corruption r: Double, maxSpans: Int,
                       random: inout DataRandom) -> (noise: Int, spans: Int) {
        precondition(n >= 2 && maxSpans >= 1)
        let noise = min(max(random.roundStochastically(Double(n) * r), 1), n - 1)
        let spans = min(max(random.roundStochastically(Double(noise) / mu), 1), noise, n - noise, maxSpans)
        return (noise, spans)
    }

    /// The largest counts `counts` can return for `n` tokens, and the smallest noise count.
    static func bounds(length n: Int, meanSpanLength mu: Double, corruption r: Double, maxSpans: Int)
        -> (minNoise: Int, maxNoise: Int, maxSpans: Int) {
        let x = Double(n) * r
        let maxNoise = min(max(Int(x.rounded(.up)), 1), n - 1)
        let minNoise = min(max(Int(x.rounded(.down)), 1), n - 1)
        let spans = min(max(Int((Double(maxNoise) / mu).rounded(.up)), 1), maxNoise, n - minNoise, maxSpans)
        return (minNoise, maxNoise, spans)
    }

    /// Encoder (input) and target lengths of a window: `<bos>` + kept tokens + one sentinel per span;
    /// one sentinel per span + noise tokens + `<eos>`.
    static func lengths(length n: Int, noise: Int, spans: Int) -> (input: Int, target: Int) {
        (1 + n - noise + spans, noise + spans + 1)
    }

    /// The longest window (at least 2 tokens) whose input and target fit for every draw of `counts`,
    /// and whose expected span count stays within the sentinels (so the cap never distorts the
    /// statistics); nil if not even 2 tokens fit.
    static func maxWindow(meanSpanLength mu: Double, corruption r: Double, sentinels: Int,
                          fits: (_ input: Int, _ target: Int) -> Bool) -> Int? {
        func ok(_ n: Int) -> Bool {
            let b = bounds(length: n, meanSpanLength: mu, corruption: r, maxSpans: .max)
            guard n < 2 || b.maxSpans <= sentinels else { return false }
            let worstInput = lengths(length: n, noise: b.minNoise, spans: b.maxSpans).input
            let worstTarget = lengths(length: n, noise: b.maxNoise, spans: b.maxSpans).target
            return fits(worstInput, worstTarget)
        }
        guard sentinels >= 1, ok(2) else { return nil }
        // Double, then bisect: `ok` holds up to some length and fails beyond it (lengths grow with n).
        var lo = 2, hi = 4
        while ok(hi) && hi < 1 << 30 { lo = hi; hi *= 2 }
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if ok(mid) { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// Lengths of `segments` positive runs summing to `items`, cut at uniformly random points
    /// (T5's `_random_segmentation`).
    static func randomSegmentation(items: Int, segments: Int, random: inout DataRandom) -> [Int] {
        precondition(segments >= 1 && segments <= items)
        // Choose segments-1 distinct cut points among 1..<items (Floyd's sampling), then sort.
        var cuts = Set<Int>()
        let candidates = items - 1
        for j in (candidates - (segments - 1))..<candidates {
            let t = random.below(j + 1)
            cuts.insert(cuts.contains(t + 1) ? j + 1 : t + 1)
        }
        var lengths: [Int] = []
        lengths.reserveCapacity(segments)
        var previous = 0
        for c in cuts.sorted() {
            lengths.append(c - previous)
            previous = c
        }
        lengths.append(items - previous)
        return lengths
    }

    /// Per token of a window of `n`: true where it is noise.
    static func noiseMask(length n: Int, noise: Int, spans: Int, random: inout DataRandom) -> [Bool] {
        let noiseRuns = randomSegmentation(items: noise, segments: spans, random: &random)
        let keptRuns = randomSegmentation(items: n - noise, segments: spans, random: &random)
        var mask: [Bool] = []
        mask.reserveCapacity(n)
        for k in 0..<spans {
            mask += repeatElement(false, count: keptRuns[k])
            mask += repeatElement(true, count: noiseRuns[k])
        }
        return mask
    }

    /// Input (`<bos>` + tokens with each noise span replaced by its sentinel) and target
    /// (`sentinel_k span_k ...` + `<eos>`).
    static func corrupt(_ tokens: ArraySlice<TokenID>, mask: [Bool], special: SpecialTokens) -> (input: [TokenID], target: [TokenID]) {
        precondition(tokens.count == mask.count)
        var input: [TokenID] = [special.bos], target: [TokenID] = []
        var span = -1
        var previousNoise = false
        for (token, noise) in zip(tokens, mask) {
            if noise {
                if !previousNoise {
                    span += 1
                    input.append(special.sentinels[span])
                    target.append(special.sentinels[span])
                }
                target.append(token)
            } else {
                input.append(token)
            }
            previousNoise = noise
        }
        target.append(special.eos)
        return (input, target)
    }
}
