/// A stack's weights resolved once from the parameter store by name, as typed per-layer structs (llm.c's
/// `ParameterTensors`, gemma.cpp's `LayerWeightsPtrs`): the forward and backward passes read fields,
/// never names. Tensors share the store's storage, so training updates (in place, in the flat buffer)
/// are seen; a store whose tensors are replaced (int8 quantization, f32 norms) is resolved after that.
struct StackWeights {
    let embedding: Tensor
    /// T5Gemma 2: the eoi token's learned vector.
    let eoiEmbedding: Tensor?
    let finalNorm: Tensor
    let blocks: [BlockWeights]

    init(_ names: StackNames, in store: ParameterStore) {
        embedding = store[names.embedding]
        eoiEmbedding = names.eoiEmbedding.map { store[$0] }
        finalNorm = store[names.finalNorm]
        blocks = names.blocks.map { BlockWeights($0, in: store) }
    }
}

/// One block: self-attention, an optional cross-attention (T5Gemma's decoder), the feed-forward, and
/// the norms around each.
struct BlockWeights {
    let preAttentionNorm, postAttentionNorm: Tensor
    let attention: AttentionWeights
    let cross: CrossAttentionWeights?
    let preFeedForwardNorm, postFeedForwardNorm: Tensor
    let feedForward: FeedForwardWeights

    init(_ names: BlockNames, in store: ParameterStore) {
        preAttentionNorm = store[names.preAttentionNorm]
        postAttentionNorm = store[names.postAttentionNorm]
        attention = AttentionWeights(names.attention, in: store)
        if let crossNames = names.cross, let pre = names.preCrossNorm, let post = names.postCrossNorm {
            cross = CrossAttentionWeights(preNorm: store[pre], postNorm: store[post], attention: AttentionWeights(crossNames, in: store))
        } else {
            cross = nil
        }
        preFeedForwardNorm = store[names.preFeedForwardNorm]
        postFeedForwardNorm = store[names.postFeedForwardNorm]
        feedForward = FeedForwardWeights(gate: store[names.gate], up: store[names.up], down: store[names.down])
    }
}

/// q/k/v/o projections and, for Gemma 3 stacks, the per-head query and key norms.
struct AttentionWeights {
    let q, k, v, o: Tensor
    let qNorm, kNorm: Tensor?

    init(_ names: AttentionNames, in store: ParameterStore) {
        q = store[names.q]
        k = store[names.k]
        v = store[names.v]
        o = store[names.o]
        qNorm = names.qNorm.map { store[$0] }
        kNorm = names.kNorm.map { store[$0] }
    }
}

/// T5Gemma's cross-attention sub-block: its attention and the norms before and after it.
struct CrossAttentionWeights {
    let preNorm, postNorm: Tensor
    let attention: AttentionWeights
}

/// GeGLU: `down(gelu_tanh(gate(x)) * up(x))`.
struct FeedForwardWeights {
    let gate, up, down: Tensor
}

/// Where a backward pass accumulates each weight's gradient (nil: frozen, as during cross-attention
/// warm-up), resolved once per backward pass from the gradient store, mirroring ``StackWeights``.
struct StackGradients {
    let embedding: UnsafeMutablePointer<Float>?
    let eoiEmbedding: UnsafeMutablePointer<Float>?
    let finalNorm: UnsafeMutablePointer<Float>?
    let blocks: [BlockGradients]

    init(_ names: StackNames, in grads: GradientStore) {
        embedding = grads.pointer(names.embedding)
        eoiEmbedding = names.eoiEmbedding.flatMap { grads.pointer($0) }
        finalNorm = grads.pointer(names.finalNorm)
        blocks = names.blocks.map { BlockGradients($0, in: grads) }
    }
}

struct BlockGradients {
    let preAttentionNorm, postAttentionNorm: UnsafeMutablePointer<Float>?
    let attention: AttentionGradients
    let cross: CrossAttentionGradients?
    let preFeedForwardNorm, postFeedForwardNorm: UnsafeMutablePointer<Float>?
    let feedForward: FeedForwardGradients

    init(_ names: BlockNames, in grads: GradientStore) {
        preAttentionNorm = grads.pointer(names.preAttentionNorm)
        postAttentionNorm = grads.pointer(names.postAttentionNorm)
        attention = AttentionGradients(names.attention, in: grads)
        if let crossNames = names.cross, let pre = names.preCrossNorm, let post = names.postCrossNorm {
            cross = CrossAttentionGradients(preNorm: grads.pointer(pre), postNorm: grads.pointer(post),
                                            attention: AttentionGradients(crossNames, in: grads))
        } else {
            cross = nil
        }
        preFeedForwardNorm = grads.pointer(names.preFeedForwardNorm)
        postFeedForwardNorm = grads.pointer(names.postFeedForwardNorm)
        feedForward = FeedForwardGradients(gate: grads.pointer(names.gate), up: grads.pointer(names.up),
                                           down: grads.pointer(names.down))
    }
}

struct CrossAttentionGradients {
    let preNorm, postNorm: UnsafeMutablePointer<Float>?
    let attention: AttentionGradients
}

struct FeedForwardGradients {
    let gate, up, down: UnsafeMutablePointer<Float>?
}

struct AttentionGradients {
    let q, k, v, o, qNorm, kNorm: UnsafeMutablePointer<Float>?

    init(_ names: AttentionNames, in grads: GradientStore) {
        q = grads.pointer(names.q)
        k = grads.pointer(names.k)
        v = grads.pointer(names.v)
        o = grads.pointer(names.o)
        qNorm = names.qNorm.flatMap { grads.pointer($0) }
        kNorm = names.kNorm.flatMap { grads.pointer($0) }
    }
}
