/// Where an attention sub-block reads its keys and values.
enum KeyValueSource {
    /// Projected from this block's own input rows (training, encoder, uncached forward).
    case ownRows
    /// A KV cache (batch 1): this call's keys/values are written at rows `past..<past+T` of the
    /// cache, and the queries attend over rows `0..<past+T`. T5Gemma 2's merged attention keeps the
    /// encoder's keys/values (projected once per request) in rows `0..<prefix` and its own after them.
    case cache(keys: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>, past: Int, prefix: Int = 0)
    /// Precomputed cross-attention keys/values `[batch, S, kvDim]` (from the encoder output).
    case external(keys: UnsafePointer<Float>, values: UnsafePointer<Float>, length: Int)
    /// Cross-attention keys/values projected here from the encoder output `[batch, S, dE]`
    /// (training and uncached forwards); saved in the activations for the backward pass.
    case projected(encoder: UnsafePointer<Float>, length: Int)
    /// T5Gemma 2's merged attention (training and uncached forwards): per batch row, the encoder output's
    /// `S` keys/values then this block's own `T`, all projected here (`[batch, S + T, kvDim]` in the
    /// activations).
    case merged(encoder: UnsafePointer<Float>, length: Int)
}

/// Document ids of packed rows as one attention sub-block reads them: its queries' `[batch, T]` and
/// its keys' `[batch, S]` (one array twice for self-attention; decoder and encoder ids for
/// cross-attention).
struct SegmentPair {
    var queries: UnsafePointer<Int32>
    var keys: UnsafePointer<Int32>
}

/// Saved tensors of one attention sub-block, for the backward pass (pointers into an arena).
struct AttentionActivations {
    var q, k, v: UnsafeMutablePointer<Float>     // [N, qDim], [N, B*S or B*(S+T), kvDim] (k after RoPE)
    var probs: UnsafeMutablePointer<Float>?      // [B, H, T, S]
    var context: UnsafeMutablePointer<Float>     // [N, qDim], input of o_proj
    var output: UnsafeMutablePointer<Float>      // [N, d], output of o_proj
    /// Query/key norms when training: the projections before their norm and `1/rms` per head row.
    var queryKeyNorm: QueryKeyNormActivations? = nil
}

/// What the backward of Gemma 3's per-head query and key norms needs.
struct QueryKeyNormActivations {
    var qRaw, kRaw: UnsafeMutablePointer<Float>      // [N, qDim], [N, kvDim]: q_proj and k_proj outputs
    var qRstd, kRstd: UnsafeMutablePointer<Float>    // [N * heads], [N * kvHeads]
}

/// Static description of an attention sub-block (self or cross).
struct AttentionSpec {
    var heads, kvHeads, headDim: Int
    var scale: Float
    var softCap: Float?
    var rope: RoPE?        // nil for cross-attention (T5Gemma applies no RoPE there)
    var causal: Bool
    var window: Int?
    /// A bidirectional window's right extent when it differs from `window` (T5Gemma 2's encoder).
    var windowRight: Int? = nil
    /// T5Gemma 2's decoder: one softmax over the encoder's keys and this block's own (see `KeyValueSource.merged`).
    var merged = false
    /// Gemma 3: queries and keys are RMS-normalised per head (weights `qNorm`/`kNorm`) with
    /// this epsilon, before RoPE. nil: no such norms.
    var queryKeyNormEps: Float? = nil
    var qDim: Int { heads * headDim }
    var kvDim: Int { kvHeads * headDim }
}

/// Forward and backward of one attention sub-block: q/k/v projections, RoPE, scaled soft-capped
/// masked attention (the kernel), output projection. Norms and residuals belong to the block.
enum AttentionLayer {
    /// `x` is the normed input `[batch*T, d]`; results go to `act`. `segments` are the document ids of
    /// packed rows: of the queries `[batch, T]` and of the keys `[batch, S]` (the same array for
    /// self-attention), nil for one document per row.
    static func forward(_ x: UnsafePointer<Float>, batch: Int, length t: Int, weights: AttentionWeights,
                        spec: AttentionSpec, source: KeyValueSource,
                        positions: UnsafePointer<Int32>?, keyValid: UnsafePointer<Bool>?,
                        segments: SegmentPair?, act: AttentionActivations) {
        let n = batch * t
        let saved = act.queryKeyNorm
        Linear.forward(x, rows: n, weight: weights.q, into: saved?.qRaw ?? act.q)
        normalizeHeads(saved?.qRaw ?? act.q, rows: n, heads: spec.heads, norm: weights.qNorm, spec: spec,
                       into: act.q, rstd: saved?.qRstd)
        if let rope = spec.rope, let positions { rope.forward(act.q, tokens: n, heads: spec.heads, positions: positions) }

        let keys: UnsafePointer<Float>, values: UnsafePointer<Float>
        var keyLength = t, queryOffset = 0, kvBatchStride: Int? = nil, prefix = 0
        switch source {
        case .ownRows:
            Linear.forward(x, rows: n, weight: weights.k, into: saved?.kRaw ?? act.k)
            Linear.forward(x, rows: n, weight: weights.v, into: act.v)
            normalizeHeads(saved?.kRaw ?? act.k, rows: n, heads: spec.kvHeads, norm: weights.kNorm, spec: spec,
                           into: act.k, rstd: saved?.kRstd)
            if let rope = spec.rope, let positions { rope.forward(act.k, tokens: n, heads: spec.kvHeads, positions: positions) }
            keys = UnsafePointer(act.k)
            values = UnsafePointer(act.v)
        case let .cache(cacheK, cacheV, past, encoderRows):
            precondition(batch == 1, "the KV cache holds one sequence")
            let kRows = cacheK + (encoderRows + past) * spec.kvDim, vRows = cacheV + (encoderRows + past) * spec.kvDim
            Linear.forward(x, rows: t, weight: weights.k, into: kRows)
            Linear.forward(x, rows: t, weight: weights.v, into: vRows)
            normalizeHeads(kRows, rows: t, heads: spec.kvHeads, norm: weights.kNorm, spec: spec,
                           into: kRows, rstd: nil)
            if let rope = spec.rope, let positions { rope.forward(kRows, tokens: t, heads: spec.kvHeads, positions: positions) }
            keys = UnsafePointer(cacheK)
            values = UnsafePointer(cacheV)
            keyLength = encoderRows + past + t
            queryOffset = past
            prefix = encoderRows
        case let .external(k, v, length):
            keys = k
            values = v
            keyLength = length
            kvBatchStride = length * spec.kvDim
        case let .projected(encoder, length):
            projectKeysValues(encoder, rows: batch * length, weights: weights, keys: act.k, values: act.v)
            keys = UnsafePointer(act.k)
            values = UnsafePointer(act.v)
            keyLength = length
        case let .merged(encoder, length):
            projectMerged(x, encoder: encoder, batch: batch, length: t, encoderLength: length, weights: weights,
                          spec: spec, positions: positions, act: act)
            keys = UnsafePointer(act.k)
            values = UnsafePointer(act.v)
            keyLength = length + t
            prefix = length
        }
        let shape = AttentionShape(batch: batch, queryLength: t, keyLength: keyLength,
                                   heads: spec.heads, kvHeads: spec.kvHeads, headDim: spec.headDim)
        var mask = AttentionMask(causal: spec.causal, window: spec.window, queryOffset: queryOffset, keyValid: keyValid,
                                 querySegments: segments?.queries, keySegments: segments?.keys)
        mask.windowRight = spec.windowRight
        mask.prefixKeys = prefix
        Attention.forward(q: act.q, k: keys, v: values, shape: shape, mask: mask, scale: spec.scale,
                          softCap: spec.softCap, kvBatchStride: kvBatchStride, probs: act.probs, into: act.context)
        Linear.forward(act.context, rows: n, weight: weights.o, into: act.output)
    }

    /// Gemma 3's per-head RMSNorm of queries or keys (`x` `[rows, heads * headDim]`, `y` may alias
    /// it); nothing without such norms (then the projection was written to `y` itself).
    static func normalizeHeads(_ x: UnsafeMutablePointer<Float>, rows: Int, heads: Int, norm: Tensor?,
                               spec: AttentionSpec, into y: UnsafeMutablePointer<Float>,
                               rstd: UnsafeMutablePointer<Float>?) {
        guard let eps = spec.queryKeyNormEps, let norm else {
            precondition(x == y, "pre-norm buffers exist only with query/key norms")
            return
        }
        RMSNorm.forward(x, weight: norm.f32, rows: rows * heads, dim: spec.headDim, eps: eps, into: y, rstd: rstd)
    }

    /// Cross-attention keys and values of encoder rows (no RoPE): `[rows, kvDim]` each.
    static func projectKeysValues(_ encoder: UnsafePointer<Float>, rows: Int, weights: AttentionWeights,
                                  keys: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>) {
        Linear.forward(encoder, rows: rows, weight: weights.k, into: keys)
        Linear.forward(encoder, rows: rows, weight: weights.v, into: values)
    }

    /// Backward from `dOutput` (gradient of the o_proj output). Writes the gradient of the normed
    /// input into `dx` (overwritten). For cross-attention, `dKeysValues` receives the gradients of the
    /// projected keys/values (`[B*S, kvDim]` each) and `dEncoder` accumulates the encoder-output gradient.
    static func backward(_ dOutput: UnsafePointer<Float>, x: UnsafePointer<Float>, batch: Int, length t: Int,
                         weights: AttentionWeights, grads: AttentionGradients, spec: AttentionSpec,
                         cross: (encoder: UnsafePointer<Float>, length: Int, dEncoder: UnsafeMutablePointer<Float>)?,
                         positions: UnsafePointer<Int32>?, keyValid: UnsafePointer<Bool>?, segments: SegmentPair?,
                         act: AttentionActivations, scratch: AttentionScratch, dx: UnsafeMutablePointer<Float>) {
        let n = batch * t
        let keyLength = spec.merged ? (cross?.length ?? 0) + t : cross?.length ?? t
        let kvRows = batch * keyLength
        Linear.backward(dOutput, x: act.context, rows: n, weight: weights.o, dx: scratch.dContext,
                        dW: grads.o)
        let shape = AttentionShape(batch: batch, queryLength: t, keyLength: keyLength,
                                   heads: spec.heads, kvHeads: spec.kvHeads, headDim: spec.headDim)
        var mask = AttentionMask(causal: spec.causal, window: spec.window, keyValid: keyValid,
                                 querySegments: segments?.queries, keySegments: segments?.keys)
        mask.windowRight = spec.windowRight
        mask.prefixKeys = spec.merged ? keyLength - t : 0
        Attention.backward(scratch.dContext, q: act.q, k: act.k, v: act.v, probs: act.probs!, shape: shape, mask: mask,
                           scale: spec.scale, softCap: spec.softCap, dq: scratch.dq, dk: scratch.dk, dv: scratch.dv)
        let merged = spec.merged ? cross.map { MergedRows(batch: batch, encoderLength: $0.length, length: t) } : nil
        if let rope = spec.rope, let positions {
            rope.backward(scratch.dq, tokens: n, heads: spec.heads, positions: positions)
            if let merged {
                merged.forEachSelfBlock { b, row in
                    rope.backward(scratch.dk + row * spec.kvDim, tokens: t, heads: spec.kvHeads, positions: positions + b * t)
                }
            } else {
                rope.backward(scratch.dk, tokens: kvRows, heads: spec.kvHeads, positions: positions)
            }
        }
        var dq = UnsafePointer(scratch.dq), dk = UnsafePointer(scratch.dk)
        if spec.queryKeyNormEps != nil, let saved = act.queryKeyNorm, let qNorm = weights.qNorm, let kNorm = weights.kNorm,
           let dqRaw = scratch.dqRaw, let dkRaw = scratch.dkRaw {
            RMSNorm.backward(scratch.dq, x: saved.qRaw, weight: qNorm.f32, rstd: saved.qRstd, rows: n * spec.heads,
                             dim: spec.headDim, dx: dqRaw, accumulate: false, dWeight: grads.qNorm)
            RMSNorm.backward(scratch.dk, x: saved.kRaw, weight: kNorm.f32, rstd: saved.kRstd, rows: kvRows * spec.kvHeads,
                             dim: spec.headDim, dx: dkRaw, accumulate: false, dWeight: grads.kNorm)
            dq = UnsafePointer(dqRaw)
            dk = UnsafePointer(dkRaw)
        } else {
            precondition(spec.queryKeyNormEps == nil, "query/key norms need their saved activations and scratch for the backward")
        }
        Linear.backward(dq, x: x, rows: n, weight: weights.q, dx: dx, dW: grads.q)
        if let merged, let cross {
            merged.keyValueBackward(dk, dv: scratch.dv, x: x, encoder: cross.encoder, weights: weights, grads: grads,
                                    dx: dx, dEncoder: cross.dEncoder)
        } else if let cross {
            Linear.backward(scratch.dk, x: cross.encoder, rows: kvRows, weight: weights.k, dx: cross.dEncoder,
                            accumulateDx: true, dW: grads.k)
            Linear.backward(scratch.dv, x: cross.encoder, rows: kvRows, weight: weights.v, dx: cross.dEncoder,
                            accumulateDx: true, dW: grads.v)
        } else {
            Linear.backward(dk, x: x, rows: n, weight: weights.k, dx: dx, accumulateDx: true,
                            dW: grads.k)
            Linear.backward(scratch.dv, x: x, rows: n, weight: weights.v, dx: dx, accumulateDx: true,
                            dW: grads.v)
        }
    }
}

/// Gradient scratch shared by every attention sub-block of a stack (sized for the largest).
struct AttentionScratch {
    var dContext, dq, dk, dv: UnsafeMutablePointer<Float>
    /// Gemma 3: gradients of the q/k projections' outputs, before their per-head norms.
    var dqRaw, dkRaw: UnsafeMutablePointer<Float>?
    init(arena: BufferArena, queryRows: Int, keyRows: Int, qDim: Int, kvDim: Int, queryKeyNorm: Bool = false) {
        dContext = arena.floats(queryRows * qDim)
        dq = arena.floats(queryRows * qDim)
        dk = arena.floats(keyRows * kvDim)
        dv = arena.floats(keyRows * kvDim)
        dqRaw = queryKeyNorm ? arena.floats(queryRows * qDim) : nil
        dkRaw = queryKeyNorm ? arena.floats(keyRows * kvDim) : nil
    }
}
