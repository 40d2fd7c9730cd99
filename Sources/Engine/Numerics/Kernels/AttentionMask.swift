import CKernels

/// Which keys a query may see. Keys sit at positions `0..<S`; query `t` sits at `queryOffset + t`.
public struct AttentionMask {
    /// Key `s` visible only if `s <= queryOffset + t`.
    public var causal: Bool
    /// Sliding window `W`: causal `(qpos − s) < W` (the query and the `W − 1` before it, HF's
    /// `sliding_window_overlay`); bidirectional `|qpos − s| < W` (the T5Gemma authors' and HF 4.53's
    /// rule; see t5gemma-reference §3.5). nil = no window.
    public var window: Int?
    /// Absolute position of query 0 (KV-cache decode: the number of cached tokens).
    public var queryOffset: Int
    /// `[batch, S]` padding mask (false = padding), nil = all keys valid.
    public var keyValid: UnsafePointer<Bool>?
    /// `[batch, S]` document ids for packed self-attention (`queryOffset + T <= S`): a query sees only
    /// keys of its own document. nil = one document.
    public var segments: UnsafePointer<Int32>?

    public init(causal: Bool, window: Int? = nil, queryOffset: Int = 0, keyValid: UnsafePointer<Bool>? = nil,
                segments: UnsafePointer<Int32>? = nil) {
        self.causal = causal
        self.window = window
        self.queryOffset = queryOffset
        self.keyValid = keyValid
        self.segments = segments
    }
}

/// Sizes of one attention call: `q` is `[batch, queryLength, heads, headDim]`, `k`/`v` are
/// `[batch, keyLength, kvHeads, headDim]` (grouped-query attention when `kvHeads < heads`).
public struct AttentionShape: Equatable, Sendable {
    public var batch: Int, queryLength: Int, keyLength: Int, heads: Int, kvHeads: Int, headDim: Int

    public init(batch: Int, queryLength: Int, keyLength: Int, heads: Int, kvHeads: Int, headDim: Int) {
        self.batch = batch
        self.queryLength = queryLength
        self.keyLength = keyLength
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim
    }
}

/// The mask rules evaluated for one call: a contiguous key range from causality and the window,
/// refined per key by padding and segments.
struct MaskRules {
    let mask: AttentionMask
    let keyLength: Int

    init(_ mask: AttentionMask, keyLength: Int) {
        precondition((mask.window ?? 1) >= 1, "attention window must be positive, got \(mask.window!)")
        precondition(mask.queryOffset >= 0, "negative query offset \(mask.queryOffset)")
        self.mask = mask
        self.keyLength = keyLength
    }

    /// True when keys must also be checked one by one (padding or segments).
    var hasKeyMask: Bool { mask.keyValid != nil || mask.segments != nil }

    /// Keys allowed by causality and the window for the query at absolute position `qpos`.
    func keyRange(_ qpos: Int) -> Range<Int> {
        var lo = 0, hi = keyLength
        if mask.causal { hi = min(hi, qpos + 1) }
        if let w = mask.window {
            lo = max(lo, qpos - w + 1)
            if !mask.causal { hi = min(hi, qpos + w) }
        }
        return lo < hi ? lo..<hi : lo..<lo
    }

    /// Whether key `s` (already inside `keyRange(qpos)`) survives padding and segments.
    @inline(__always) func keyVisible(batch b: Int, qpos: Int, key s: Int) -> Bool {
        let row = b * keyLength
        if let valid = mask.keyValid, !valid[row + s] { return false }
        if let seg = mask.segments, seg[row + s] != seg[row + qpos] { return false }
        return true
    }

    /// Whether the query sees at least one key. If not, HF eager (which adds `finfo.min` to every
    /// masked score, making them all equal) averages all `S` values uniformly.
    func seesAnyKey(batch b: Int, qpos: Int) -> Bool {
        let range = keyRange(qpos)
        if range.isEmpty { return false }
        if !hasKeyMask { return true }
        for s in range where keyVisible(batch: b, qpos: qpos, key: s) { return true }
        return false
    }

    /// Keys any query of `queries` (relative indices) may see; all `S` keys when one of them sees
    /// none (its uniform average reads every key).
    func blockKeyRange(batch b: Int, queries: Range<Int>) -> Range<Int> {
        var lo = keyLength, hi = 0
        for t in queries {
            let qpos = mask.queryOffset + t
            if !seesAnyKey(batch: b, qpos: qpos) { return 0..<keyLength }
            let r = keyRange(qpos)
            lo = min(lo, r.lowerBound)
            hi = max(hi, r.upperBound)
        }
        return lo < hi ? lo..<hi : 0..<0
    }

    /// Turns raw (scaled, soft-capped) scores `row[keyRange(qpos)]` of the query at `qpos` into
    /// probabilities over the full row `row[0..<S]`: 0 outside the visible keys, softmax inside,
    /// or `1/S` everywhere when no key is visible.
    func normalize(_ row: UnsafeMutablePointer<Float>, batch b: Int, qpos: Int) {
        let S = keyLength
        guard seesAnyKey(batch: b, qpos: qpos) else {
            row.update(repeating: 1 / Float(S), count: S)
            return
        }
        let r = keyRange(qpos)
        row.update(repeating: 0, count: r.lowerBound)
        (row + r.upperBound).update(repeating: 0, count: S - r.upperBound)
        if hasKeyMask {
            for s in r where !keyVisible(batch: b, qpos: qpos, key: s) { row[s] = -.infinity }
        }
        dk_softmax_row_f32(row + r.lowerBound, row + r.lowerBound, r.count)
    }
}
