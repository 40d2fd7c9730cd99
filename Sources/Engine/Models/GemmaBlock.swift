/// Static description of one block of a stack.
struct BlockSpec {
    var hidden: Int
    var intermediate: Int
    var eps: Float
    var attention: AttentionSpec
    var cross: AttentionSpec?
}

/// Saved tensors of one block (pointers into an arena). For inference one set is shared by every
/// layer, since nothing is kept for a backward pass.
struct BlockActivations {
    var input: UnsafeMutablePointer<Float>             // [N, d] residual stream entering the block
    var attentionNormed: UnsafeMutablePointer<Float>   // [N, d]
    var attentionRstd, attentionPostRstd: UnsafeMutablePointer<Float>   // [N]
    var attention: AttentionActivations
    var afterAttention: UnsafeMutablePointer<Float>    // [N, d] residual after self-attention
    /// T5Gemma's decoder: the cross-attention sub-block's buffers.
    var cross: CrossAttentionActivations?
    var feedForwardNormed: UnsafeMutablePointer<Float>
    var feedForwardRstd, feedForwardPostRstd: UnsafeMutablePointer<Float>
    var feedForward: FeedForwardActivations

    /// Allocates buffers for `rows` query rows; `keyRows` cross-attention key rows (batch * S);
    /// attention probabilities only when `saveProbabilities` (training); unzeroed when not `zeroed`.
    init(arena: BufferArena, spec: BlockSpec, batch: Int, length: Int, crossLength: Int, saveProbabilities: Bool,
         input: UnsafeMutablePointer<Float>? = nil, zeroed: Bool = true) {
        let n = batch * length, d = spec.hidden, a = spec.attention
        // Merged attention (T5Gemma 2) keeps the encoder's keys before each row's own.
        let keys = a.merged ? batch * (crossLength + length) : n, keyLength = a.merged ? crossLength + length : length
        // Every buffer is written by the forward before it is read; a decode cache skips the zeroing.
        let floats: (Int) -> UnsafeMutablePointer<Float> = zeroed ? arena.floats : arena.uninitializedFloats
        self.input = input ?? floats(n * d)
        attentionNormed = floats(n * d)
        attentionRstd = floats(n)
        attentionPostRstd = floats(n)
        attention = AttentionActivations(
            q: floats(n * a.qDim), k: floats(keys * a.kvDim), v: floats(keys * a.kvDim),
            probs: saveProbabilities ? floats(batch * a.heads * length * keyLength) : nil,
            context: floats(n * a.qDim), output: floats(n * d))
        if a.queryKeyNormEps != nil && saveProbabilities {
            attention.queryKeyNorm = QueryKeyNormActivations(qRaw: floats(n * a.qDim), kRaw: floats(keys * a.kvDim),
                                                             qRstd: floats(n * a.heads), kRstd: floats(keys * a.kvHeads))
        }
        afterAttention = floats(n * d)
        if let c = spec.cross {
            let kvRows = batch * crossLength
            cross = CrossAttentionActivations(
                normed: floats(n * d), rstd: floats(n), postRstd: floats(n),
                attention: AttentionActivations(
                    q: floats(n * c.qDim), k: floats(kvRows * c.kvDim), v: floats(kvRows * c.kvDim),
                    probs: saveProbabilities ? floats(batch * c.heads * length * crossLength) : nil,
                    context: floats(n * c.qDim), output: floats(n * d)),
                after: floats(n * d))
        }
        feedForwardNormed = floats(n * d)
        feedForwardRstd = floats(n)
        feedForwardPostRstd = floats(n)
        feedForward = FeedForwardActivations(
            gate: floats(n * spec.intermediate), up: floats(n * spec.intermediate),
            hidden: floats(n * spec.intermediate), output: floats(n * d))
    }
}

/// Masking and position inputs shared by every block of a forward pass.
struct SequenceContext {
    var batch: Int
    var length: Int
    var positions: UnsafePointer<Int32>?
    var keyValid: UnsafePointer<Bool>?
    /// Document ids `[batch, length]` of packed rows (nil: one document per row).
    var segments: UnsafePointer<Int32>?
    /// Cross-attention: the encoder's padding mask `[batch, S]`.
    var encoderValid: UnsafePointer<Bool>?
    /// Cross-attention: the encoder's document ids `[batch, S]` of packed rows, matching `segments`
    /// (document k of a decoder row reads only document k of its encoder row).
    var encoderSegments: UnsafePointer<Int32>? = nil

    /// Merged attention (T5Gemma 2's decoder): `[batch, S + T]` validity and document ids of the keys,
    /// the encoder's then the decoder's own (nil otherwise).
    var mergedKeyValid: UnsafePointer<Bool>? = nil
    var mergedKeySegments: UnsafePointer<Int32>? = nil

    /// The padding mask of the keys self-attention reads: its own, or the merged ones.
    var selfKeyValid: UnsafePointer<Bool>? { mergedKeyValid ?? keyValid }

    /// Self-attention reads this stack's own ids for queries and keys (merged: the encoder's ids, then its own).
    var selfSegments: SegmentPair? {
        guard let segments else { return nil }
        return SegmentPair(queries: segments, keys: mergedKeySegments ?? segments)
    }

    /// Cross-attention: decoder ids for the queries, encoder ids for the keys.
    var crossSegments: SegmentPair? {
        precondition((segments == nil) == (encoderSegments == nil),
                     "packed encoder-decoder rows need segments on both the encoder and the decoder input")
        guard let segments, let encoderSegments else { return nil }
        return SegmentPair(queries: segments, keys: encoderSegments)
    }
}

/// One Gemma 2 block: pre-norm -> self-attention -> post-norm -> residual, [the same around
/// cross-attention], pre-norm -> GeGLU -> post-norm -> residual.
enum GemmaBlock {
    /// Forward of the block on `act.input`, writing the block output to `output` (may be the next
    /// block's `input`).
    static func forward(spec: BlockSpec, weights w: BlockWeights, context: SequenceContext,
                        selfSource: KeyValueSource, crossSource: KeyValueSource?,
                        act: BlockActivations, output: UnsafeMutablePointer<Float>) {
        let n = context.batch * context.length, d = spec.hidden, eps = spec.eps
        RMSNorm.forward(act.input, weight: w.preAttentionNorm.f32, rows: n, dim: d, eps: eps,
                        into: act.attentionNormed, rstd: act.attentionRstd)
        AttentionLayer.forward(act.attentionNormed, batch: context.batch, length: context.length, weights: w.attention,
                               spec: spec.attention, source: selfSource,
                               positions: context.positions, keyValid: context.selfKeyValid,
                               segments: context.selfSegments, act: act.attention)
        RMSNorm.forwardAdding(act.attention.output, weight: w.postAttentionNorm.f32, residual: act.input, rows: n,
                              dim: d, eps: eps, into: act.afterAttention, rstd: act.attentionPostRstd)
        var residual = act.afterAttention
        if let crossSpec = spec.cross, let crossWeights = w.cross, let crossSource, let crossAct = act.cross {
            RMSNorm.forward(residual, weight: crossWeights.preNorm.f32, rows: n, dim: d, eps: eps,
                            into: crossAct.normed, rstd: crossAct.rstd)
            AttentionLayer.forward(crossAct.normed, batch: context.batch, length: context.length, weights: crossWeights.attention,
                                   spec: crossSpec, source: crossSource, positions: nil,
                                   keyValid: context.encoderValid, segments: context.crossSegments, act: crossAct.attention)
            RMSNorm.forwardAdding(crossAct.attention.output, weight: crossWeights.postNorm.f32, residual: residual,
                                  rows: n, dim: d, eps: eps, into: crossAct.after, rstd: crossAct.postRstd)
            residual = crossAct.after
        }
        RMSNorm.forward(residual, weight: w.preFeedForwardNorm.f32, rows: n, dim: d, eps: eps,
                        into: act.feedForwardNormed, rstd: act.feedForwardRstd)
        FeedForwardLayer.forward(act.feedForwardNormed, rows: n, intermediate: spec.intermediate, weights: w.feedForward,
                                 act: act.feedForward)
        RMSNorm.forwardAdding(act.feedForward.output, weight: w.postFeedForwardNorm.f32, residual: residual, rows: n,
                              dim: d, eps: eps, into: output, rstd: act.feedForwardPostRstd)
    }

    /// Backward through the block. `dResidual` holds the gradient of the block output on entry and
    /// the gradient of the block input on return (accumulated in place, as the residual stream is).
    static func backward(spec: BlockSpec, weights w: BlockWeights, grads g: BlockGradients, context: SequenceContext,
                         cross: (encoder: UnsafePointer<Float>, length: Int, dEncoder: UnsafeMutablePointer<Float>)?,
                         act: BlockActivations, scratch: BlockScratch, dResidual: UnsafeMutablePointer<Float>) {
        let n = context.batch * context.length, d = spec.hidden
        let residualBeforeFFN = act.cross?.after ?? act.afterAttention
        // Feed-forward branch.
        RMSNorm.backward(dResidual, x: act.feedForward.output, weight: w.postFeedForwardNorm.f32,
                         rstd: act.feedForwardPostRstd, rows: n, dim: d, dx: scratch.dSub, accumulate: false,
                         dWeight: g.postFeedForwardNorm)
        FeedForwardLayer.backward(scratch.dSub, x: act.feedForwardNormed, rows: n, intermediate: spec.intermediate,
                                  weights: w.feedForward, grads: g.feedForward, act: act.feedForward,
                                  scratch: scratch.feedForward, dx: scratch.dNormed)
        RMSNorm.backward(scratch.dNormed, x: residualBeforeFFN, weight: w.preFeedForwardNorm.f32,
                         rstd: act.feedForwardRstd, rows: n, dim: d, dx: dResidual, accumulate: true,
                         dWeight: g.preFeedForwardNorm)
        // Cross-attention branch.
        if let crossSpec = spec.cross, let crossWeights = w.cross, let crossGrads = g.cross, let crossAct = act.cross, let cross {
            RMSNorm.backward(dResidual, x: crossAct.attention.output, weight: crossWeights.postNorm.f32,
                             rstd: crossAct.postRstd, rows: n, dim: d, dx: scratch.dSub, accumulate: false,
                             dWeight: crossGrads.postNorm)
            AttentionLayer.backward(scratch.dSub, x: crossAct.normed, batch: context.batch, length: context.length,
                                    weights: crossWeights.attention, grads: crossGrads.attention, spec: crossSpec, cross: cross,
                                    positions: nil, keyValid: context.encoderValid, segments: context.crossSegments,
                                    act: crossAct.attention, scratch: scratch.crossAttention!, dx: scratch.dNormed)
            RMSNorm.backward(scratch.dNormed, x: act.afterAttention, weight: crossWeights.preNorm.f32,
                             rstd: crossAct.rstd, rows: n, dim: d, dx: dResidual, accumulate: true,
                             dWeight: crossGrads.preNorm)
        }
        // Self-attention branch.
        RMSNorm.backward(dResidual, x: act.attention.output, weight: w.postAttentionNorm.f32,
                         rstd: act.attentionPostRstd, rows: n, dim: d, dx: scratch.dSub, accumulate: false,
                         dWeight: g.postAttentionNorm)
        AttentionLayer.backward(scratch.dSub, x: act.attentionNormed, batch: context.batch, length: context.length,
                                weights: w.attention, grads: g.attention, spec: spec.attention,
                                cross: spec.attention.merged ? cross : nil, positions: context.positions,
                                keyValid: context.selfKeyValid,
                                segments: context.selfSegments, act: act.attention, scratch: scratch.attention,
                                dx: scratch.dNormed)
        RMSNorm.backward(scratch.dNormed, x: act.input, weight: w.preAttentionNorm.f32,
                         rstd: act.attentionRstd, rows: n, dim: d, dx: dResidual, accumulate: true,
                         dWeight: g.preAttentionNorm)
    }
}

/// T5Gemma's cross-attention sub-block: its pre-norm output and `1/rms`, the attention's saved tensors,
/// the post-norm's `1/rms`, and the residual after it.
struct CrossAttentionActivations {
    var normed: UnsafeMutablePointer<Float>            // [N, d]
    var rstd, postRstd: UnsafeMutablePointer<Float>    // [N]
    var attention: AttentionActivations
    var after: UnsafeMutablePointer<Float>             // [N, d] residual after cross-attention
}

/// Gradient scratch shared by all blocks of a stack.
struct BlockScratch {
    var dSub, dNormed: UnsafeMutablePointer<Float>
    var attention: AttentionScratch
    var crossAttention: AttentionScratch?
    var feedForward: FeedForwardScratch

    init(arena: BufferArena, spec: BlockSpec, batch: Int, length: Int, crossLength: Int) {
        let n = batch * length
        dSub = arena.floats(n * spec.hidden)
        dNormed = arena.floats(n * spec.hidden)
        let keyRows = spec.attention.merged ? batch * (crossLength + length) : n
        attention = AttentionScratch(arena: arena, queryRows: n, keyRows: keyRows, qDim: spec.attention.qDim,
                                     kvDim: spec.attention.kvDim, queryKeyNorm: spec.attention.queryKeyNormEps != nil)
        if let c = spec.cross {
            crossAttention = AttentionScratch(arena: arena, queryRows: n, keyRows: batch * crossLength,
                                              qDim: c.qDim, kvDim: c.kvDim)
        }
        feedForward = FeedForwardScratch(arena: arena, rows: n, intermediate: spec.intermediate)
    }
}
