import CKernels

extension Attention {
    /// Backward of `forward`, from the saved probabilities `probs` (`[batch, heads, T, S]`).
    ///
    /// With `c` the (capped) scores and `P = softmax(c)` over the visible keys:
    /// `dv = Pᵀ·dOut`, `dP = dOut·vᵀ`, `dc = P ⊙ (dP − rowsum(P ⊙ dP))`, through the cap
    /// `dr = dc ⊙ (1 − tanh²(r/cap))` with the pre-cap scores `r = scale·q·k` recomputed from q and k,
    /// then `dq = scale·dr·k` and `dk = scale·drᵀ·q` (summed over the query heads sharing a kv head).
    ///
    /// A query that sees no key has `P = 1/S` regardless of the scores (HF adds `finfo.min` to every
    /// score, which swamps them in f32): its `dv` contribution is `dOut/S` and it sends no gradient to
    /// q or k, which is what the f32 function does (finite differences agree). In training such rows
    /// are padding, whose upstream gradient is zero anyway.
    ///
    /// Gradients are overwritten: `dq` `[batch, T, heads, hd]`; `dk`, `dv` `[batch, S, kvHeads, hd]`,
    /// dense (k and v are dense here too).
    public static func backward(_ dOut: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                probs: UnsafePointer<Float>, shape: AttentionShape, mask: AttentionMask, scale: Float, softCap: Float?,
                                dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>) {
        backward(dOut, q: q, k: k, v: v, probs: probs, shape: shape, mask: mask, scale: scale, softCap: softCap,
                 dq: dq, dk: dk, dv: dv, strategy: nil)
    }

    /// The strategy `backward` picks: rows while the keys stay cache-resident (as the forward) and there
    /// are enough (batch, kv head) pairs to keep every worker busy (each pair is one task, which owns
    /// its keys' gradients), else blocks.
    static func backwardStrategy(for shape: AttentionShape) -> Strategy {
        strategy(for: shape) == .rows && shape.batch * shape.kvHeads >= EngineThreads.count ? .rows : .blocks
    }

    static func backward(_ dOut: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                         probs: UnsafePointer<Float>, shape: AttentionShape, mask: AttentionMask, scale: Float, softCap: Float?,
                         dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
                         strategy: Strategy?) {
        let timed = StepProfile.begin(.attentionBackward)
        defer { StepProfile.end(timed) }
        let B = shape.batch, T = shape.queryLength, S = shape.keyLength
        let H = shape.heads, KV = shape.kvHeads, hd = shape.headDim
        precondition(KV > 0 && H % KV == 0, "heads \(H) must be a multiple of kv heads \(KV)")
        dq.update(repeating: 0, count: B * T * H * hd)
        dk.update(repeating: 0, count: B * S * KV * hd)
        dv.update(repeating: 0, count: B * S * KV * hd)
        if B == 0 || T == 0 || H == 0 || S == 0 { return }
        let rules = MaskRules(mask, batch: B, queryLength: T, keyLength: S)
        let L = Layout(T: T, S: S, H: H, group: H / KV, hd: hd, kvRow: KV * hd, kvBatch: S * KV * hd)
        if (strategy ?? backwardStrategy(for: shape)) == .rows {
            backwardRows(dOut, q: q, k: k, v: v, probs: probs, B: B, layout: L, rules: rules, scale: scale, softCap: softCap,
                         dq: dq, dk: dk, dv: dv)
            return
        }
        let qStride = H * hd
        let blockRows = min(queryBlock, T)
        let dScores = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * S)
        let capped: UnsafeMutablePointer<Float>? = softCap == nil ? nil : .allocate(capacity: blockRows * S)
        defer {
            dScores.deallocate()
            capped?.deallocate()
        }
        for b in 0..<B {
            for h in 0..<H {
                for t0 in stride(from: 0, to: T, by: blockRows) {
                    let rows = min(blockRows, T - t0)
                    let keys = rules.blockKeyRange(batch: b, queries: t0..<t0 + rows)
                    let n = keys.count
                    let p = probs + L.probRow(b, h, t0) + keys.lowerBound // rows of stride S
                    let kBlock = k + L.key(b, keys.lowerBound, h), vBlock = v + L.key(b, keys.lowerBound, h)
                    let dkBlock = dk + L.key(b, keys.lowerBound, h), dvBlock = dv + L.key(b, keys.lowerBound, h)
                    // dP = dOut · vᵀ  -> [rows, n], stride n
                    sgemm(.none, .transposed, m: rows, n: n, k: hd, a: dOut + L.query(b, t0, h), lda: qStride,
                          b: vBlock, ldb: L.kvRow, c: dScores, ldc: n)
                    if let capped {
                        sgemm(.none, .transposed, m: rows, n: n, k: hd, alpha: scale, a: q + L.query(b, t0, h), lda: qStride,
                              b: kBlock, ldb: L.kvRow, c: capped, ldc: n)
                    }
                    EngineThreads.parallelFor(rows, minimumPerChunk: max(1, 16_384 / max(1, n))) { range in
                        for i in range {
                            let d = dScores + i * n
                            guard rules.seesAnyKey(batch: b, query: t0 + i) else {
                                d.update(repeating: 0, count: n)
                                continue
                            }
                            dk_softmax_backward_row_f32(d, p + i * S, d, n) // masked keys have P = 0 -> 0
                            if let capped, let softCap {
                                let c = capped + i * n
                                dk_softcap_f32(c, c, n, softCap)
                                dk_softcap_backward_f32(d, c, d, n, softCap)
                            }
                        }
                    }
                    // dq = scale · dS · k ; dk += scale · dSᵀ · q ; dv += Pᵀ · dOut
                    sgemm(.none, .none, m: rows, n: hd, k: n, alpha: scale, a: dScores, lda: n, b: kBlock, ldb: L.kvRow,
                          c: dq + L.query(b, t0, h), ldc: qStride)
                    sgemm(.transposed, .none, m: n, n: hd, k: rows, alpha: scale, a: dScores, lda: n,
                          b: q + L.query(b, t0, h), ldb: qStride, beta: 1, c: dkBlock, ldc: L.kvRow)
                    sgemm(.transposed, .none, m: n, n: hd, k: rows, a: p, lda: S,
                          b: dOut + L.query(b, t0, h), ldb: qStride, beta: 1, c: dvBlock, ldc: L.kvRow)
                }
            }
        }
    }

    /// One task per (batch, kv head), owning that head's key and value gradients; per query, the heads
    /// of the group together: `dP = dOut·vᵀ` over the visible keys, the softmax (and soft-cap) backward,
    /// then `dq = scale·dS·k`, `dk += scale·dSᵀ·q` and `dv += Pᵀ·dOut`, all in SIMD C loops.
    private static func backwardRows(_ dOut: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
                                     v: UnsafePointer<Float>, probs: UnsafePointer<Float>, B: Int, layout L: Layout,
                                     rules: MaskRules, scale: Float, softCap: Float?,
                                     dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>) {
        let kvHeads = L.H / L.group, headStride = L.T * L.S   // between the prob rows of consecutive heads
        EngineThreads.parallelFor(B * kvHeads, minimumPerChunk: 1) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * L.group * L.S) { scratch in
                let dS = scratch.baseAddress!, capped = dS + L.group * L.S
                for task in range {
                    let g = task % kvHeads, b = task / kvHeads, h0 = g * L.group
                    for t in 0..<L.T {
                        guard rules.seesAnyKey(batch: b, query: t) else {
                            // P = 1/S whatever the scores: the values get dOut/S, queries and keys nothing.
                            for r in 0..<L.group {
                                for s in 0..<L.S { dk_axpy_f32(1 / Float(L.S), dOut + L.query(b, t, h0 + r), dv + L.key(b, s, h0), L.hd) }
                            }
                            continue
                        }
                        let keys = rules.keyRange(batch: b, query: t), n = keys.count, lo = keys.lowerBound
                        let d = dS + lo, p = probs + L.probRow(b, h0, t) + lo
                        dk_qk_scores_f32(dOut + L.query(b, t, h0), L.hd, L.group, v + L.key(b, lo, h0), L.kvRow, n, L.hd, 1, d, L.S)
                        if softCap != nil {
                            dk_qk_scores_f32(q + L.query(b, t, h0), L.hd, L.group, k + L.key(b, lo, h0), L.kvRow, n, L.hd, scale,
                                             capped + lo, L.S)
                        }
                        for r in 0..<L.group {
                            let dr = d + r * L.S
                            dk_softmax_backward_row_f32(dr, p + r * headStride, dr, n)   // masked keys have P = 0 -> 0
                            if let softCap {
                                let c = capped + lo + r * L.S
                                dk_softcap_f32(c, c, n, softCap)
                                dk_softcap_backward_f32(dr, c, dr, n, softCap)
                            }
                            dk_scale_f32(dr, n, scale)
                        }
                        dk_pv_accumulate_f32(d, L.S, L.group, k + L.key(b, lo, h0), L.kvRow, n, L.hd, dq + L.query(b, t, h0), L.hd)
                        dk_outer_accumulate_f32(d, L.S, L.group, q + L.query(b, t, h0), L.hd, n, L.hd, dk + L.key(b, lo, h0), L.kvRow)
                        dk_outer_accumulate_f32(p, headStride, L.group, dOut + L.query(b, t, h0), L.hd, n, L.hd,
                                                dv + L.key(b, lo, h0), L.kvRow)
                    }
                }
            }
        }
    }
}
