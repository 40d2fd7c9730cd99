import Tokenizers
/// A stack of Gemma 2 blocks with its token embedding and final norm: the whole of a decoder-only
/// model but its LM head, or one side of a T5Gemma model.
struct GemmaStack {
    let config: Gemma2Config
    let names: StackNames
    /// Causal self-attention (decoders) or bidirectional (T5Gemma's encoder).
    let causal: Bool
    let specs: [BlockSpec]
    /// T5Gemma 2: the token embedded as the learned `names.eoiEmbedding` vector instead of a table row.
    let eoiToken: TokenID?
    /// T5Gemma 2's decoder: every block's self-attention is merged with the encoder's keys.
    var mergedAttention: Bool { specs.first?.attention.merged ?? false }

    /// `t5gemma2` set: one side of a T5Gemma 2 model (an encoder splits its sliding windows around the
    /// query, a decoder merges the encoder into its self-attention; both embed the eoi token).
    init(config: Gemma2Config, names: StackNames, causal: Bool, crossAttention: Bool, t5gemma2: T5Gemma2Text? = nil) {
        precondition(t5gemma2 == nil || (!crossAttention && names.eoiEmbedding != nil), "T5Gemma 2 stacks merge attention")
        self.config = config
        self.names = names
        self.causal = causal
        eoiToken = t5gemma2?.eoiTokenIndex
        let isCausal = causal
        let scale = Float(1 / Double(config.queryPreAttnScalar).squareRoot())
        // Gemma 2: one RoPE; Gemma 3: one per layer type (built once each).
        let ropes = Dictionary(uniqueKeysWithValues: [LayerType.sliding, .full].map { ($0, config.rope(for: $0)) })
        specs = config.layerTypes.map { type in
            var window = type == .sliding ? config.slidingWindow : nil
            var windowRight: Int? = nil
            if t5gemma2 != nil, !isCausal, let w = window { (window, windowRight) = T5Gemma2Text.encoderWindow(w) }
            var selfSpec = AttentionSpec(heads: config.numHeads, kvHeads: config.numKVHeads, headDim: config.headDim,
                                         scale: scale, softCap: config.attnLogitSoftcap, rope: ropes[type]!,
                                         causal: isCausal, window: window,
                                         queryKeyNormEps: config.gemma3 == nil ? nil : config.rmsNormEps)
            selfSpec.windowRight = windowRight
            selfSpec.merged = t5gemma2 != nil && isCausal
            // Cross-attention: same heads and scaling, no RoPE, never sliding, never causal.
            let crossSpec = crossAttention
                ? AttentionSpec(heads: config.numHeads, kvHeads: config.numKVHeads, headDim: config.headDim,
                                scale: scale, softCap: config.attnLogitSoftcap, rope: nil, causal: false, window: nil)
                : nil
            return BlockSpec(hidden: config.hiddenSize, intermediate: config.intermediateSize,
                             eps: config.rmsNormEps, attention: selfSpec, cross: crossSpec)
        }
    }

    /// The embedding multiplier `sqrt(hidden)`. HF casts it to the activation dtype; Duet computes in
    /// f32 but rounds the factor to the table's storage dtype, so a bf16 checkpoint scales exactly as
    /// it did in training (e.g. 59.75 for hidden 3584) and an f32 one by the exact root.
    func embedScale(table: Tensor) -> Float { Self.embedScale(hidden: config.hiddenSize, table: table.dtype) }

    /// ``embedScale(table:)`` for a width and the table's storage dtype.
    static func embedScale(hidden: Int, table dtype: DType) -> Float {
        let exact = Float(Double(hidden).squareRoot())
        switch dtype {
        case .f32: return exact
        // int8 weights are quantized from a checkpoint that, for every released model, is bf16.
        case .bf16, .i8: return HalfPrecision.bf16ToFloat(HalfPrecision.floatToBF16(exact))
        case .f16: return HalfPrecision.f16ToFloat(HalfPrecision.floatToF16(exact))
        }
    }

    /// Scaled table rows of `ids` into `out` (`[count, d]`); T5Gemma 2's eoi token takes the learned eoi
    /// vector, unscaled (transformers overwrites those rows after scaling).
    func embed(_ ids: UnsafePointer<Int32>, count: Int, weights: StackWeights, into out: UnsafeMutablePointer<Float>) {
        let table = weights.embedding
        _ = Embedding.forward(ids: ids, count: count, table: table, scale: embedScale(table: table), into: out)
        guard let eoiToken, let eoi = weights.eoiEmbedding else { return }
        let d = config.hiddenSize
        for i in 0..<count where ids[i] == eoiToken {
            HalfPrecision.widen(eoi.raw, dtype: eoi.dtype, into: out + i * d, count: d)
        }
    }

    // MARK: Training forward and backward

    /// Forward over a batch, saving what backward needs. `encoder` is the encoder output, its padding
    /// mask and, for packed rows, its document ids when this is a T5Gemma decoder.
    /// With `cancel` set midway, the remaining layers are skipped (the output is then meaningless: an
    /// inference caller checks the flag and discards it).
    func forward(_ acts: StackActivations, weights: StackWeights, encoder: EncoderMemory? = nil,
                 cancel: CancellationFlag? = nil) {
        let n = acts.batch * acts.length, d = config.hiddenSize
        acts.ids.withUnsafeBufferPointer { ids in embed(ids.baseAddress!, count: n, weights: weights, into: acts.blocks[0].input) }
        acts.withContext(encoder: encoder, merged: mergedAttention) { context in
            KernelCancellation.with(cancel) {
                for (i, spec) in specs.enumerated() {
                    if cancel?.isCancelled == true { break }
                    var selfSource = KeyValueSource.ownRows
                    var crossSource: KeyValueSource? = encoder.map { .projected(encoder: $0.output, length: acts.crossLength) }
                    if spec.attention.merged, let encoder {
                        selfSource = .merged(encoder: encoder.output, length: acts.crossLength)
                        crossSource = nil
                    }
                    GemmaBlock.forward(spec: spec, weights: weights.blocks[i], context: context,
                                       selfSource: selfSource, crossSource: crossSource, act: acts.block(i),
                                       output: acts.blockOutput(i))
                }
            }
        }
        RMSNorm.forward(acts.finalInput, weight: weights.finalNorm.f32, rows: n, dim: d,
                        eps: config.rmsNormEps, into: acts.output, rstd: acts.finalRstd)
    }

    /// Backward from `acts.dOutput` (gradient of the final-normed output, `[N, d]`). Accumulates
    /// parameter gradients into `grads`; for a decoder, the encoder-output gradient into `dEncoder`.
    func backward(_ acts: StackActivations, weights: StackWeights, grads store: GradientStore,
                  encoder: EncoderMemory? = nil, dEncoder: UnsafeMutablePointer<Float>? = nil) {
        precondition(acts.training, "backward needs activations made for training")
        let grads = StackGradients(names, in: store)
        precondition((encoder == nil) == (dEncoder == nil), "a decoder's backward takes the encoder memory and its gradient together")
        let n = acts.batch * acts.length, d = config.hiddenSize
        RMSNorm.backward(acts.dOutput, x: acts.finalInput, weight: weights.finalNorm.f32, rstd: acts.finalRstd,
                         rows: n, dim: d, dx: acts.dResidual, accumulate: false, dWeight: grads.finalNorm)
        acts.withContext(encoder: encoder, merged: mergedAttention) { context in
            for i in specs.indices.reversed() {
                let cross = encoder.map { (encoder: $0.output, length: acts.crossLength, dEncoder: dEncoder!) }
                GemmaBlock.backward(spec: specs[i], weights: weights.blocks[i], grads: grads.blocks[i],
                                    context: context, cross: cross, act: acts.blocks[i], scratch: acts.scratch,
                                    dResidual: acts.dResidual)
                store.blockFinished?(names.blocks[i])
            }
        }
        if let eoiToken, weights.eoiEmbedding != nil {
            // The eoi rows' gradient goes to the eoi vector (unscaled), none to the table.
            for i in 0..<n where acts.ids[i] == eoiToken {
                let row = acts.dResidual + i * d
                if let dEoi = grads.eoiEmbedding { VectorOps.addInPlace(dEoi, row, count: d) }
                row.update(repeating: 0, count: d)
            }
        }
        if let dTable = grads.embedding {
            let table = weights.embedding
            acts.ids.withUnsafeBufferPointer { ids in
                Embedding.backward(acts.dResidual, ids: ids.baseAddress!, count: n, dim: d,
                                   scale: embedScale(table: table), paddingID: config.padTokenID, dTable: dTable)
            }
        }
    }
}

/// What one forward (and, for training, backward) of a stack needs, allocated once per batch shape.
///
/// Training keeps every block's activations and attention probabilities for the backward pass:
/// O(layers x (T x d + heads x T x S)). Inference (`training: false`) keeps one block's buffers,
/// shared by every layer (each block writes its output over its input), no probabilities and no
/// gradient buffers: O(T x d), independent of the depth, so encoding, scoring and evaluating long
/// inputs costs about what the weights do.
final class StackActivations {
    let batch: Int, length: Int, crossLength: Int
    /// Whether this holds what `GemmaStack.backward` needs.
    let training: Bool
    var ids: [TokenID]
    var positions: [Int32]
    var valid: [Bool]
    var segments: [Int32]?
    /// One per layer for training; one shared by all layers for inference.
    let blocks: [BlockActivations]
    let finalInput, finalRstd, output: UnsafeMutablePointer<Float>
    /// Gradient of `output` (set by the head's backward) and the residual-stream gradient (training only).
    let dOutput, dResidual: UnsafeMutablePointer<Float>
    let scratch: BlockScratch
    private let arena: BufferArena

    init(stack: GemmaStack, batch: Int, length: Int, crossLength: Int = 0, training: Bool = true) {
        let arena = BufferArena()
        self.arena = arena
        self.batch = batch
        self.length = length
        self.crossLength = crossLength
        self.training = training
        let n = batch * length, d = stack.config.hiddenSize
        ids = Array(repeating: 0, count: n)
        positions = Array(repeating: 0, count: n)
        valid = Array(repeating: true, count: n)
        let kept = training ? stack.specs : [stack.specs[0]]
        blocks = kept.map {
            BlockActivations(arena: arena, spec: $0, batch: batch, length: length, crossLength: crossLength,
                             saveProbabilities: training)
        }
        // Inference: the last block writes over the shared input, which the final norm then reads.
        finalInput = training ? arena.floats(n * d) : blocks[0].input
        finalRstd = arena.floats(n)
        output = arena.floats(n * d)
        let gradientRows = training ? n : 0
        dOutput = arena.floats(gradientRows * d)
        dResidual = arena.floats(gradientRows * d)
        scratch = BlockScratch(arena: arena, spec: stack.specs[0], batch: training ? batch : 0, length: length,
                               crossLength: crossLength)
    }

    /// Bytes held (every buffer of the arena), for memory checks.
    var allocatedBytes: Int { arena.allocatedBytes }

    /// The activations layer `i` reads and writes.
    func block(_ i: Int) -> BlockActivations { training ? blocks[i] : blocks[0] }

    /// Where layer `i` writes its output: the next layer's input (inference: its own input again),
    /// after the last layer the final norm's input.
    func blockOutput(_ i: Int) -> UnsafeMutablePointer<Float> {
        if !training { return blocks[0].input }
        return i + 1 < blocks.count ? blocks[i + 1].input : finalInput
    }

    /// Loads a batch: ids `[batch, length]`, padding mask, positions, optional packing segments.
    func load(_ batch: TokenBatch) {
        precondition(batch.batch == self.batch && batch.length == length, "batch shape changed")
        ids = batch.ids
        positions = batch.positions
        valid = batch.valid
        segments = batch.segments
    }

    /// The masks and positions of this batch; `merged` (T5Gemma 2's decoder) also lays out the keys'
    /// validity and document ids as merged attention reads them, the encoder's before the own.
    func withContext<R>(encoder: EncoderMemory?, merged: Bool = false, _ body: (SequenceContext) -> R) -> R {
        // No padding anywhere (packed or full rows, the usual training batch): no padding masks, so the
        // attention kernels take whole key ranges instead of checking every key.
        let ownPadding = valid.contains(false)
        let encoderPadding = encoder.map { e in (0..<batch * crossLength).contains { !e.valid[$0] } } ?? false
        var mergedValid: [Bool]? = nil, mergedSegments: [Int32]? = nil
        if merged, let encoder {
            let s = crossLength
            if ownPadding || encoderPadding {
                mergedValid = (0..<batch).flatMap { b in (0..<s).map { encoder.valid[b * s + $0] } + valid[b * length..<(b + 1) * length] }
            }
            if let segments, let encoderSegments = encoder.segments {
                mergedSegments = (0..<batch).flatMap { b in
                    (0..<s).map { encoderSegments[b * s + $0] } + segments[b * length..<(b + 1) * length]
                }
            }
        }
        return positions.withUnsafeBufferPointer { pos in
            valid.withUnsafeBufferPointer { val in
                withOptionalBuffer(segments) { seg in
                    withOptionalBuffer(mergedValid) { mergedVal in
                        withOptionalBuffer(mergedSegments) { mergedSeg in
                            body(SequenceContext(batch: batch, length: length, positions: pos.baseAddress,
                                                 keyValid: ownPadding ? val.baseAddress : nil, segments: seg,
                                                 encoderValid: encoderPadding ? encoder?.valid : nil,
                                                 encoderSegments: encoder?.segments, mergedKeyValid: mergedVal,
                                                 mergedKeySegments: mergedSeg))
                        }
                    }
                }
            }
        }
    }

    /// Runs `body` with this (encoder) stack's output as the memory a decoder cross-attends to.
    func withEncoderMemory<R>(_ body: (EncoderMemory) -> R) -> R {
        valid.withUnsafeBufferPointer { val in
            withOptionalBuffer(segments) { seg in
                body(EncoderMemory(output: UnsafePointer(output), valid: val.baseAddress!, segments: seg))
            }
        }
    }
}

/// What a T5Gemma decoder's cross-attention reads of the encoder: its final-normed output
/// `[batch * S, dE]`, padding mask `[batch, S]` and, for packed rows, document ids `[batch, S]`.
struct EncoderMemory {
    var output: UnsafePointer<Float>
    var valid: UnsafePointer<Bool>
    var segments: UnsafePointer<Int32>?
}

func withOptionalBuffer<T, R>(_ array: [T]?, _ body: (UnsafePointer<T>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}
