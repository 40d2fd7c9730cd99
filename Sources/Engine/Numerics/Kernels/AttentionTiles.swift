import CKernels

/// The tile strategy of attention: the products of one (batch, head) and block of queries as small
/// register-tiled GEMMs (`dk_gemm_small_f32`, 6 x 16 outputs per tile), one task per block on the
/// engine workers.
///
/// Training and prompts of a few hundred tokens are what it is for: there the row strategy computes a
/// dot product per (query, key) with a horizontal sum each, and the block strategy's OpenBLAS calls
/// are too small to pay for their packing and thread hand-offs. Per (batch, head) and block, keys are
/// transposed once (`dk_transpose_f32`) so that every product reads its second operand by rows.
extension Attention {
    /// Queries per tile block: a block's scores (64 x S floats) stay in L2 between the two products.
    static let tileQueries = 64

    /// Forward by tiles: `scores = scale·q·kᵀ` over the keys the block sees, soft-cap and normalise each
    /// row (as the block strategy), then `out = P·v`.
    static func forwardTiles(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, B: Int,
                             layout L: Layout, rules: MaskRules, scale: Float, softCap: Float?,
                             probs: UnsafeMutablePointer<Float>?, out: UnsafeMutablePointer<Float>) {
        let blocks = (L.T + tileQueries - 1) / tileQueries, qStride = L.H * L.hd
        EngineThreads.parallelFor(B * L.H * blocks, minimumPerChunk: 1) { range in
            let keysT = UnsafeMutablePointer<Float>.allocate(capacity: L.hd * L.S)
            let scratch: UnsafeMutablePointer<Float>? = probs == nil ? .allocate(capacity: min(tileQueries, L.T) * L.S) : nil
            defer {
                keysT.deallocate()
                scratch?.deallocate()
            }
            for task in range {
                let block = task % blocks, h = (task / blocks) % L.H, b = task / (blocks * L.H)
                let t0 = block * tileQueries, rows = min(tileQueries, L.T - t0)
                // Never empty: a query that sees no key widens the range to all S keys.
                let keys = rules.blockKeyRange(batch: b, queries: t0..<t0 + rows), n = keys.count, lo = keys.lowerBound
                let p = probs.map { $0 + L.probRow(b, h, t0) } ?? scratch!
                dk_transpose_f32(k + L.key(b, lo, h), n, L.hd, L.kvRow, keysT, n)
                dk_gemm_small_f32(rows, n, L.hd, scale, q + L.query(b, t0, h), qStride, 1, keysT, n, p + lo, L.S, 0)
                for i in 0..<rows {
                    let row = p + i * L.S
                    if let softCap { dk_softcap_f32(row + lo, row + lo, n, softCap) }
                    rules.normalize(row, batch: b, query: t0 + i)
                }
                dk_gemm_small_f32(rows, L.hd, n, 1, p + lo, L.S, 1, v + L.key(b, lo, h), L.kvRow,
                                  out + L.query(b, t0, h), qStride, 0)
            }
        }
    }

    /// Backward by tiles: one task per (batch, kv head), which owns that head's key and value gradients;
    /// per query head of its group and block: `dP = dOut·vᵀ`, the softmax (and soft-cap) backward, then
    /// `dq = scale·dS·k`, `dk += scale·dSᵀ·q`, `dv += Pᵀ·dOut`. `dq`, `dk`, `dv` arrive zeroed.
    static func backwardTiles(_ dOut: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
                              v: UnsafePointer<Float>, probs: UnsafePointer<Float>, B: Int, layout L: Layout,
                              rules: MaskRules, scale: Float, softCap: Float?,
                              dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>) {
        let kvHeads = L.H / L.group, qStride = L.H * L.hd, maxRows = min(tileQueries, L.T)
        EngineThreads.parallelFor(B * kvHeads, minimumPerChunk: 1) { range in
            let valuesT = UnsafeMutablePointer<Float>.allocate(capacity: L.hd * L.S)
            let dS = UnsafeMutablePointer<Float>.allocate(capacity: maxRows * L.S)
            // The pre-cap scores are recomputed from q and k (the forward keeps only P).
            let keysT: UnsafeMutablePointer<Float>? = softCap == nil ? nil : .allocate(capacity: L.hd * L.S)
            let capped: UnsafeMutablePointer<Float>? = softCap == nil ? nil : .allocate(capacity: maxRows * L.S)
            defer {
                valuesT.deallocate()
                dS.deallocate()
                keysT?.deallocate()
                capped?.deallocate()
            }
            for task in range {
                let g = task % kvHeads, b = task / kvHeads, h0 = g * L.group
                dk_transpose_f32(v + L.key(b, 0, h0), L.S, L.hd, L.kvRow, valuesT, L.S)
                if let keysT { dk_transpose_f32(k + L.key(b, 0, h0), L.S, L.hd, L.kvRow, keysT, L.S) }
                for h in h0..<h0 + L.group {
                    for t0 in stride(from: 0, to: L.T, by: tileQueries) {
                        let rows = min(tileQueries, L.T - t0)
                        let keys = rules.blockKeyRange(batch: b, queries: t0..<t0 + rows), n = keys.count, lo = keys.lowerBound
                        let p = probs + L.probRow(b, h, t0) + lo  // rows of stride S
                        let dOutBlock = dOut + L.query(b, t0, h), qBlock = q + L.query(b, t0, h)
                        dk_gemm_small_f32(rows, n, L.hd, 1, dOutBlock, qStride, 1, valuesT + lo, L.S, dS, n, 0)
                        if let keysT, let capped {
                            dk_gemm_small_f32(rows, n, L.hd, scale, qBlock, qStride, 1, keysT + lo, L.S, capped, n, 0)
                        }
                        scoreGradients(dS, rows: 0..<rows, width: n, probs: p, probStride: L.S, capped: capped, softCap: softCap,
                                       rules: rules, batch: b, firstQuery: t0)
                        // dSᵀ and Pᵀ are read by columns (strides 1 and n or S): no transposed copies.
                        dk_gemm_small_f32(rows, L.hd, n, scale, dS, n, 1, k + L.key(b, lo, h), L.kvRow,
                                          dq + L.query(b, t0, h), qStride, 1)
                        dk_gemm_small_f32(n, L.hd, rows, scale, dS, 1, n, qBlock, qStride, dk + L.key(b, lo, h), L.kvRow, 1)
                        dk_gemm_small_f32(n, L.hd, rows, 1, p, 1, L.S, dOutBlock, qStride, dv + L.key(b, lo, h), L.kvRow, 1)
                    }
                }
            }
        }
    }
}
