import CKernels

/// Which keys a query may see. Keys sit at positions `0..<S`; query `t` sits at `queryOffset + t`.
public struct AttentionMask {
    /// Key `s` visible only if `s <= queryOffset + t`.
    public var causal: Bool
    /// Sliding window `W`: causal `(qpos − s) < W` (the query and the `W − 1` before it, HF's
    /// `sliding_window_overlay`); bidirectional `|qpos − s| < W` (the T5Gemma authors' and HF 4.53's
    /// rule; see t5gemma-reference §3.5), or with `windowRight` set `0 <= qpos − s < W` to the left
    /// and `0 < s − qpos < windowRight` to the right. nil = no window.
    public var window: Int?
    /// Bidirectional windows only: how far keys to the right stay visible, when that differs from
    /// `window` (T5Gemma 2's encoder splits a window `W` into `(W + 1) / 2` left and `W / 2 + 1` right).
    public var windowRight: Int? = nil
    /// T5Gemma 2's merged attention: keys `0..<prefixKeys` are the encoder's, visible to every query
    /// (padding and segments still apply); the causal and window rules govern the keys after them,
    /// key `s` sitting at position `s − prefixKeys`.
    public var prefixKeys: Int = 0
    /// Absolute position of query 0 (KV-cache decode: the number of cached tokens).
    public var queryOffset: Int
    /// `[batch, S]` padding mask (false = padding), nil = all keys valid.
    public var keyValid: UnsafePointer<Bool>?
    /// `[batch, T]` document id of each query of a packed row (several examples in one row): query
    /// `t` sees only keys whose `keySegments` id equals its own. Set together with `keySegments`;
    /// nil = one document per row.
    public var querySegments: UnsafePointer<Int32>?
    /// `[batch, S]` document id of each key (see `querySegments`). Packed self-attention passes the
    /// same array for both; packed cross-attention the decoder's ids for the queries and the encoder's
    /// for the keys.
    public var keySegments: UnsafePointer<Int32>?

    /// A mask for self-attention: `segments` (`[batch, S]`, nil = one document) are the document ids
    /// of the keys and, as queries and keys are the same tokens, of the queries (`T == S`, no offset).
    public init(causal: Bool, window: Int? = nil, queryOffset: Int = 0, keyValid: UnsafePointer<Bool>? = nil,
                segments: UnsafePointer<Int32>? = nil) {
        self.init(causal: causal, window: window, queryOffset: queryOffset, keyValid: keyValid,
                  querySegments: segments, keySegments: segments)
    }

    /// A mask whose queries and keys carry separate document ids (packed cross-attention).
    public init(causal: Bool, window: Int? = nil, queryOffset: Int = 0, keyValid: UnsafePointer<Bool>? = nil,
                querySegments: UnsafePointer<Int32>?, keySegments: UnsafePointer<Int32>?) {
        self.causal = causal
        self.window = window
        self.queryOffset = queryOffset
        self.keyValid = keyValid
        self.querySegments = querySegments
        self.keySegments = keySegments
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

/// The mask rules evaluated for one call: a contiguous key range from causality, the window and the
/// query's document, refined per key by padding and segments.
struct MaskRules {
    let mask: AttentionMask
    let queryLength: Int
    let keyLength: Int
    /// With segments: per query `[batch, T]`, the keys `lo..<hi` (two entries) from the first to the
    /// last key of its document, so that a packed row's queries skip the other documents' keys
    /// instead of masking them one by one (empty when the document has no key). Empty without segments.
    private let documentSpans: [Int32]

    init(_ mask: AttentionMask, batch: Int, queryLength: Int, keyLength: Int) {
        precondition((mask.window ?? 1) >= 1, "attention window must be positive, got \(mask.window!)")
        precondition(mask.queryOffset >= 0, "negative query offset \(mask.queryOffset)")
        precondition(mask.prefixKeys >= 0 && mask.prefixKeys <= keyLength, "prefix of \(mask.prefixKeys) keys out of \(keyLength)")
        precondition(mask.windowRight == nil || (!mask.causal && (mask.windowRight ?? 0) >= 1),
                     "a right window needs bidirectional attention and a positive size")
        precondition((mask.querySegments == nil) == (mask.keySegments == nil),
                     "query and key segments go together (both nil, or both set)")
        precondition(mask.querySegments == nil || mask.querySegments != mask.keySegments
                        || (queryLength == keyLength && mask.queryOffset == 0),
                     "one segment array for queries and keys needs T == S and no query offset, got T \(queryLength), S \(keyLength), offset \(mask.queryOffset)")
        self.mask = mask
        self.queryLength = queryLength
        self.keyLength = keyLength
        if let q = mask.querySegments, let k = mask.keySegments {
            documentSpans = Self.documentSpans(querySegments: q, keySegments: k, batch: batch, T: queryLength, S: keyLength)
        } else {
            documentSpans = []
        }
    }

    /// The span of keys of each query's document: keys are read as runs of equal ids, and consecutive
    /// queries of one document (the usual packed layout) reuse the span found for the first.
    private static func documentSpans(querySegments q: UnsafePointer<Int32>, keySegments k: UnsafePointer<Int32>,
                                      batch: Int, T: Int, S: Int) -> [Int32] {
        var spans = [Int32](repeating: 0, count: 2 * batch * T)
        var runs: [(id: Int32, lo: Int, hi: Int)] = []
        for b in 0..<batch {
            runs.removeAll(keepingCapacity: true)
            let keys = k + b * S
            var s = 0
            while s < S {
                var e = s + 1
                while e < S && keys[e] == keys[s] { e += 1 }
                runs.append((keys[s], s, e))
                s = e
            }
            var last: (id: Int32, lo: Int, hi: Int)? = nil
            for t in 0..<T {
                let id = q[b * T + t]
                if last?.id != id {
                    var lo = S, hi = 0
                    for run in runs where run.id == id {
                        lo = min(lo, run.lo)
                        hi = max(hi, run.hi)
                    }
                    last = lo < hi ? (id, lo, hi) : (id, 0, 0)
                }
                spans[2 * (b * T + t)] = Int32(last!.lo)
                spans[2 * (b * T + t) + 1] = Int32(last!.hi)
            }
        }
        return spans
    }

    /// True when keys must also be checked one by one (padding or segments).
    /// (A merged prefix with a window masks the window's start key by key: the range starts at 0.)
    var hasKeyMask: Bool { mask.keyValid != nil || mask.keySegments != nil || (mask.prefixKeys > 0 && mask.window != nil) }

    /// Keys allowed by causality, the window and the document span for query `t` of batch `b`. With
    /// merged prefix keys the range starts at key 0 and `keyVisible` drops the self keys before the window.
    func keyRange(batch b: Int, query t: Int) -> Range<Int> {
        let qpos = mask.queryOffset + t, p = mask.prefixKeys
        var lo = 0, hi = keyLength
        if mask.causal { hi = min(hi, p + qpos + 1) }
        if let w = mask.window {
            if p == 0 { lo = max(lo, qpos - w + 1) }
            if !mask.causal { hi = min(hi, p + qpos + (mask.windowRight ?? w)) }
        }
        if !documentSpans.isEmpty {
            let i = 2 * (b * queryLength + t)
            lo = max(lo, Int(documentSpans[i]))
            hi = min(hi, Int(documentSpans[i + 1]))
        }
        return lo < hi ? lo..<hi : lo..<lo
    }

    /// Whether key `s` (already inside `keyRange`) survives padding and segments.
    @inline(__always) func keyVisible(batch b: Int, query t: Int, key s: Int) -> Bool {
        let row = b * keyLength
        if mask.prefixKeys > 0, s >= mask.prefixKeys, let w = mask.window,
           s - mask.prefixKeys <= mask.queryOffset + t - w { return false }
        if let valid = mask.keyValid, !valid[row + s] { return false }
        if let keys = mask.keySegments, keys[row + s] != mask.querySegments![b * queryLength + t] { return false }
        return true
    }

    /// Whether the query sees at least one key. If not, HF eager (which adds `finfo.min` to every
    /// masked score, making them all equal) averages all `S` values uniformly.
    func seesAnyKey(batch b: Int, query t: Int) -> Bool {
        let range = keyRange(batch: b, query: t)
        if range.isEmpty { return false }
        if !hasKeyMask { return true }
        for s in range where keyVisible(batch: b, query: t, key: s) { return true }
        return false
    }

    /// Keys any query of `queries` may see; all `S` keys when one of them sees none (its uniform
    /// average reads every key).
    func blockKeyRange(batch b: Int, queries: Range<Int>) -> Range<Int> {
        var lo = keyLength, hi = 0
        for t in queries {
            if !seesAnyKey(batch: b, query: t) { return 0..<keyLength }
            let r = keyRange(batch: b, query: t)
            lo = min(lo, r.lowerBound)
            hi = max(hi, r.upperBound)
        }
        return lo < hi ? lo..<hi : 0..<0
    }

    /// Turns raw (scaled, soft-capped) scores `row[keyRange]` of query `t` of batch `b` into
    /// probabilities over the full row `row[0..<S]`: 0 outside the visible keys, softmax inside,
    /// or `1/S` everywhere when no key is visible.
    func normalize(_ row: UnsafeMutablePointer<Float>, batch b: Int, query t: Int) {
        let S = keyLength
        guard seesAnyKey(batch: b, query: t) else {
            row.update(repeating: 1 / Float(S), count: S)
            return
        }
        let r = keyRange(batch: b, query: t)
        row.update(repeating: 0, count: r.lowerBound)
        (row + r.upperBound).update(repeating: 0, count: S - r.upperBound)
        if hasKeyMask {
            for s in r where !keyVisible(batch: b, query: t, key: s) { row[s] = -.infinity }
        }
        dk_softmax_row_f32(row + r.lowerBound, row + r.lowerBound, r.count)
    }
}
