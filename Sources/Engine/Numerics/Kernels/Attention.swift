import CKernels

/// Scaled dot-product attention as Hugging Face's eager Gemma 2 path computes it (SDPA is disabled
/// for Gemma 2 because of the soft-cap):
/// `scores = (q·k)·scale`, optionally `tanh(scores/cap)·cap` BEFORE the mask, masked keys excluded,
/// softmax in f32, `out = P·v`. Grouped-query attention: query head `h` reads kv head
/// `h / (heads / kvHeads)` (HF `repeat_kv`).
///
/// Three strategies, same results (up to summation order):
/// - **rows** (decode): each (batch, query, kv head) is one task on the engine
///   workers, covering the query heads that share the kv head so every key/value row is read from
///   memory once; scores live in stack scratch; q·k and P·v are SIMD C loops over only the keys the
///   causal/window mask and the query's document allow. No heap allocation without segments.
/// - **tiles** (training, prompts and encoders whose keys stay in cache; `AttentionTiles.swift`): per
///   (batch, head) and block of 64 queries, register-tiled small GEMMs on the engine workers.
/// - **blocks** (long prefill): per (batch, head) and block of 64 queries, OpenBLAS computes the
///   scores and P·v over only the keys the block can see (causal and windowed masks and the
///   documents of packed rows skip work), the engine workers soft-cap, mask and normalise the rows
///   in between.
public enum Attention {
    /// Query counts at or below this take the row strategy whatever the keys.
    public static let rowStrategyQueryLimit = 4
    /// More queries take the tile strategy while one kv head's keys and values (`S × headDim` floats
    /// each) stay cache-resident (1 MiB together). The block strategy's sgemm calls on per-head slices
    /// are small and pay OpenBLAS's hand-offs each time: `duet bench train --profile` measured the
    /// attention forward at 62 -> 14 ms (duet-mini-it, 8 × 128) and 218 -> 56 ms (duet-mini-mini-it) with
    /// rows instead of blocks; tiles then beat rows (see `AttentionTiles.swift`).
    public static let rowStrategyKeyFloats = 1 << 17

    /// The strategy `forward` picks for a call of this shape.
    static func strategy(for shape: AttentionShape) -> Strategy {
        if shape.queryLength <= rowStrategyQueryLimit { return .rows }
        return shape.keyLength * shape.headDim <= rowStrategyKeyFloats ? .tiles : .blocks
    }
    /// Queries per block in the block strategy.
    static let queryBlock = 64

    /// Forward pass.
    /// - q: `[batch, T, heads, hd]`; k, v: `[batch, S, kvHeads, hd]` with rows of `kvHeads·hd` floats
    ///   and `kvBatchStride` floats between batches (default `S·kvHeads·hd`; a KV cache passes
    ///   `capacity·kvHeads·hd`).
    /// - probs: optional `[batch, heads, T, S]`, receives P for `backward` (masked entries 0; a query
    ///   that sees no key gets `1/S` everywhere, as HF eager does).
    /// - out: `[batch, T, heads, hd]`.
    public static func forward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                               shape: AttentionShape, mask: AttentionMask, scale: Float, softCap: Float?,
                               kvBatchStride: Int? = nil,
                               probs: UnsafeMutablePointer<Float>?, into out: UnsafeMutablePointer<Float>) {
        let timed = StepProfile.begin(.attentionForward)
        defer { StepProfile.end(timed) }
        forward(q: q, k: k, v: v, shape: shape, mask: mask, scale: scale, softCap: softCap, kvBatchStride: kvBatchStride,
                probs: probs, into: out, strategy: nil)
    }

    /// How `forward` splits the work (both give the same result; tests run both).
    enum Strategy: CaseIterable { case rows, tiles, blocks }

    static func forward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                        shape: AttentionShape, mask: AttentionMask, scale: Float, softCap: Float?, kvBatchStride: Int?,
                        probs: UnsafeMutablePointer<Float>?, into out: UnsafeMutablePointer<Float>, strategy: Strategy?) {
        let B = shape.batch, T = shape.queryLength, S = shape.keyLength
        let H = shape.heads, KV = shape.kvHeads, hd = shape.headDim
        precondition(KV > 0 && H % KV == 0, "heads \(H) must be a multiple of kv heads \(KV)")
        let kvRow = KV * hd
        let kvBatch = kvBatchStride ?? S * kvRow
        if B == 0 || T == 0 || H == 0 { return }
        if S == 0 {
            out.update(repeating: 0, count: B * T * H * hd)
            return
        }
        let rules = MaskRules(mask, batch: B, queryLength: T, keyLength: S)
        let layout = Layout(T: T, S: S, H: H, group: H / KV, hd: hd, kvRow: kvRow, kvBatch: kvBatch)
        switch strategy ?? Self.strategy(for: shape) {
        case .rows:
            forwardRows(q: q, k: k, v: v, B: B, layout: layout, rules: rules, scale: scale, softCap: softCap,
                        probs: probs, out: out)
        case .tiles:
            forwardTiles(q: q, k: k, v: v, B: B, layout: layout, rules: rules, scale: scale, softCap: softCap,
                         probs: probs, out: out)
        case .blocks:
            forwardBlocks(q: q, k: k, v: v, B: B, layout: layout, rules: rules, scale: scale, softCap: softCap,
                          probs: probs, out: out)
        }
    }

    /// Strides of one call, shared by forward and backward.
    struct Layout {
        let T: Int, S: Int, H: Int, group: Int, hd: Int, kvRow: Int, kvBatch: Int
        /// Offset of `q[b, t, h, 0]` (also of `out`, `dq`, `dOut`).
        @inline(__always) func query(_ b: Int, _ t: Int, _ h: Int) -> Int { ((b * T + t) * H + h) * hd }
        /// Offset of `k[b, s, h / group, 0]`.
        @inline(__always) func key(_ b: Int, _ s: Int, _ h: Int) -> Int { b * kvBatch + s * kvRow + (h / group) * hd }
        /// Offset of `probs[b, h, t, 0]`.
        @inline(__always) func probRow(_ b: Int, _ h: Int, _ t: Int) -> Int { ((b * H + h) * T + t) * S }
    }

    /// One task per (batch, query, kv head): the `group` query heads sharing a kv head are done
    /// together, so each key and value row is read once for all of them.
    private static func forwardRows(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, B: Int,
                                    layout L: Layout, rules: MaskRules, scale: Float, softCap: Float?,
                                    probs: UnsafeMutablePointer<Float>?, out: UnsafeMutablePointer<Float>) {
        let kvHeads = L.H / L.group
        let tasks = B * L.T * kvHeads
        EngineThreads.parallelFor(tasks, minimumPerChunk: max(1, 65_536 / max(1, L.S * L.hd * L.group))) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: L.group * L.S) { scratch in
                let rows = scratch.baseAddress!
                for task in range {
                    let g = task % kvHeads, t = (task / kvHeads) % L.T, b = task / (kvHeads * L.T)
                    let h0 = g * L.group
                    let keys = rules.keyRange(batch: b, query: t)
                    // Heads h0..<h0+group of one token are contiguous in q and out (stride hd).
                    dk_qk_scores_f32(q + L.query(b, t, h0), L.hd, L.group, k + L.key(b, keys.lowerBound, h0), L.kvRow,
                                     keys.count, L.hd, scale, rows + keys.lowerBound, L.S)
                    for r in 0..<L.group {
                        let row = rows + r * L.S
                        if let softCap { dk_softcap_f32(row + keys.lowerBound, row + keys.lowerBound, keys.count, softCap) }
                        rules.normalize(row, batch: b, query: t)
                    }
                    let used = rules.seesAnyKey(batch: b, query: t) ? keys : 0..<L.S
                    let o = out + L.query(b, t, h0)
                    o.update(repeating: 0, count: L.group * L.hd)
                    dk_pv_accumulate_f32(rows + used.lowerBound, L.S, L.group, v + L.key(b, used.lowerBound, h0), L.kvRow,
                                         used.count, L.hd, o, L.hd)
                    if let probs {
                        for r in 0..<L.group { (probs + L.probRow(b, h0 + r, t)).update(from: rows + r * L.S, count: L.S) }
                    }
                }
            }
        }
    }

    private static func forwardBlocks(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, B: Int,
                                      layout L: Layout, rules: MaskRules, scale: Float, softCap: Float?,
                                      probs: UnsafeMutablePointer<Float>?, out: UnsafeMutablePointer<Float>) {
        let blockRows = min(queryBlock, L.T)
        let scratch: UnsafeMutablePointer<Float>? = probs == nil ? .allocate(capacity: blockRows * L.S) : nil
        defer { scratch?.deallocate() }
        let qStride = L.H * L.hd
        for b in 0..<B {
            for h in 0..<L.H {
                for t0 in stride(from: 0, to: L.T, by: blockRows) {
                    if KernelCancellation.isCancelled { return }  // a cancelled inference discards the output
                    let rows = min(blockRows, L.T - t0)
                    let p = probs.map { $0 + L.probRow(b, h, t0) } ?? scratch!
                    // Never empty: a query that sees no key widens the range to all S keys.
                    let keys = rules.blockKeyRange(batch: b, queries: t0..<t0 + rows)
                    sgemm(.none, .transposed, m: rows, n: keys.count, k: L.hd, alpha: scale,
                          a: q + L.query(b, t0, h), lda: qStride, b: k + L.key(b, keys.lowerBound, h), ldb: L.kvRow,
                          c: p + keys.lowerBound, ldc: L.S)
                    EngineThreads.parallelFor(rows, minimumPerChunk: max(1, 16_384 / L.S)) { range in
                        for i in range {
                            let row = p + i * L.S
                            if let softCap { dk_softcap_f32(row + keys.lowerBound, row + keys.lowerBound, keys.count, softCap) }
                            rules.normalize(row, batch: b, query: t0 + i)
                        }
                    }
                    sgemm(.none, .none, m: rows, n: L.hd, k: keys.count,
                          a: p + keys.lowerBound, lda: L.S, b: v + L.key(b, keys.lowerBound, h), ldb: L.kvRow,
                          c: out + L.query(b, t0, h), ldc: qStride)
                }
            }
        }
    }
}
