/// The key/value layout of T5Gemma 2's merged attention in a batch: per row `b`, the encoder output's
/// `S` keys/values (rows `b·(S+T) ..< b·(S+T)+S`) then the block's own `T` (the next `T` rows), so that
/// one attention call with `prefixKeys = S` runs one softmax over both (`AttentionMask.prefixKeys`).
/// Both parts go through the same `k_proj`, `v_proj` and `k_norm`; only the own keys get RoPE.
struct MergedRows {
    let batch: Int, encoderLength: Int, length: Int
    var rowsPerBatch: Int { encoderLength + length }

    /// Calls `body(b, firstRow)` for the encoder rows of each batch row.
    func forEachEncoderBlock(_ body: (_ b: Int, _ firstRow: Int) -> Void) {
        for b in 0..<batch { body(b, b * rowsPerBatch) }
    }

    /// Calls `body(b, firstRow)` for the block's own rows of each batch row.
    func forEachSelfBlock(_ body: (_ b: Int, _ firstRow: Int) -> Void) {
        for b in 0..<batch { body(b, b * rowsPerBatch + encoderLength) }
    }

    /// Backward of the key/value projections: `dk` (after the key norm's backward) and `dv`, both
    /// `[batch·(S+T), kvDim]`, go to the encoder output's gradient for the encoder rows and to the
    /// block input's (`dx`, accumulated) for the own rows; `k_proj`/`v_proj` gradients get both.
    func keyValueBackward(_ dk: UnsafePointer<Float>, dv: UnsafePointer<Float>, x: UnsafePointer<Float>,
                          encoder: UnsafePointer<Float>, weights: AttentionWeights, grads: AttentionGradients,
                          dx: UnsafeMutablePointer<Float>, dEncoder: UnsafeMutablePointer<Float>) {
        let kv = weights.k.shape[0], d = weights.k.shape[1]
        for (weight, gradient, dW) in [(weights.k, dk, grads.k), (weights.v, dv, grads.v)] {
            forEachEncoderBlock { b, row in
                Linear.backward(gradient + row * kv, x: encoder + b * encoderLength * d, rows: encoderLength,
                                weight: weight, dx: dEncoder + b * encoderLength * d, accumulateDx: true, dW: dW)
            }
            forEachSelfBlock { b, row in
                Linear.backward(gradient + row * kv, x: x + b * length * d, rows: length, weight: weight,
                                dx: dx + b * length * d, accumulateDx: true, dW: dW)
            }
        }
    }
}

extension AttentionLayer {
    /// Merged attention's keys and values into `act.k`/`act.v` (`[batch·(S+T), kvDim]`): the encoder
    /// output's and the block input's rows through `k_proj`/`v_proj`, every key through `k_norm`
    /// (pre-norm keys and `1/rms` saved when training), RoPE on the own keys only.
    static func projectMerged(_ x: UnsafePointer<Float>, encoder: UnsafePointer<Float>, batch: Int, length t: Int,
                              encoderLength s: Int, weights: AttentionWeights, spec: AttentionSpec,
                              positions: UnsafePointer<Int32>?, act: AttentionActivations) {
        let layout = MergedRows(batch: batch, encoderLength: s, length: t)
        let d = weights.k.shape[1], kv = spec.kvDim
        let saved = act.queryKeyNorm
        let rawKeys = saved?.kRaw ?? act.k
        layout.forEachEncoderBlock { b, row in
            Linear.forward(encoder + b * s * d, rows: s, weight: weights.k, into: rawKeys + row * kv)
            Linear.forward(encoder + b * s * d, rows: s, weight: weights.v, into: act.v + row * kv)
        }
        layout.forEachSelfBlock { b, row in
            Linear.forward(x + b * t * d, rows: t, weight: weights.k, into: rawKeys + row * kv)
            Linear.forward(x + b * t * d, rows: t, weight: weights.v, into: act.v + row * kv)
        }
        normalizeHeads(rawKeys, rows: batch * layout.rowsPerBatch, heads: spec.kvHeads, norm: weights.kNorm,
                       spec: spec, into: act.k, rstd: saved?.kRstd)
        if let rope = spec.rope, let positions {
            layout.forEachSelfBlock { b, row in
                rope.forward(act.k + row * kv, tokens: t, heads: spec.kvHeads, positions: positions + b * t)
            }
        }
    }

    /// The encoder's merged-attention keys and values of one decoder layer for a KV cache (batch 1):
    /// `k_proj`, `k_norm` (no RoPE) and `v_proj` of the encoder output, into rows `0..<rows`.
    static func projectMergedEncoder(_ encoder: UnsafePointer<Float>, rows: Int, weights: AttentionWeights,
                                     spec: AttentionSpec,
                                     keys: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>) {
        projectKeysValues(encoder, rows: rows, weights: weights, keys: keys, values: values)
        normalizeHeads(keys, rows: rows, heads: spec.kvHeads, norm: weights.kNorm, spec: spec, into: keys, rstd: nil)
    }
}
