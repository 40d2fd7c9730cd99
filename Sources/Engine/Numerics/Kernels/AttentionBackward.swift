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

    /// The strategies `backward` has (tests run each).
    static let backwardStrategies: [Strategy] = [.tiles, .blocks]

    /// The strategy `backward` picks: tiles while the keys stay cache-resident (as the forward) and there
    /// are enough (batch, kv head) pairs to keep every worker busy (each pair is one task, which owns
    /// its keys' gradients), else blocks.
    static func backwardStrategy(for shape: AttentionShape) -> Strategy {
        strategy(for: shape) != .blocks && shape.batch * shape.kvHeads >= EngineThreads.count ? .tiles : .blocks
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
        switch strategy ?? backwardStrategy(for: shape) {
        case .rows, .tiles:  // decode is never differentiated: the row strategy has no backward of its own
            backwardTiles(dOut, q: q, k: k, v: v, probs: probs, B: B, layout: L, rules: rules, scale: scale, softCap: softCap,
                          dq: dq, dk: dk, dv: dv)
            return
        case .blocks: break
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
                        scoreGradients(dScores, rows: range, width: n, probs: p, probStride: S, capped: capped, softCap: softCap,
                                       rules: rules, batch: b, firstQuery: t0)
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

    /// Turns `dP` (`rows` of `width` floats from `dS`, query `firstQuery + i` in row `i`) into the gradient of
    /// the pre-cap scores, in place: the softmax backward against `P` (rows of `probStride` from `probs`), then,
    /// with a soft-cap, through `tanh` of the pre-cap scores `capped` (overwritten). A query that sees no key
    /// gets 0 (its `P = 1/S` does not depend on the scores).
    static func scoreGradients(_ dS: UnsafeMutablePointer<Float>, rows: Range<Int>, width n: Int, probs: UnsafePointer<Float>,
                               probStride: Int, capped: UnsafeMutablePointer<Float>?, softCap: Float?, rules: MaskRules,
                               batch b: Int, firstQuery t0: Int) {
        for i in rows {
            let d = dS + i * n
            guard rules.seesAnyKey(batch: b, query: t0 + i) else {
                d.update(repeating: 0, count: n)
                continue
            }
            dk_softmax_backward_row_f32(d, probs + i * probStride, d, n)  // masked keys have P = 0 -> 0
            if let capped, let softCap {
                let c = capped + i * n
                dk_softcap_f32(c, c, n, softCap)
                dk_softcap_backward_f32(d, c, d, n, softCap)
            }
        }
    }
}
