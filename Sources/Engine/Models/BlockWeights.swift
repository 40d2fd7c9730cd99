/// Parameter names of one attention sub-block (self- or cross-attention).
public struct AttentionNames: Sendable {
    public var q, k, v, o: String
    init(prefix: String) {
        q = prefix + ".q_proj.weight"
        k = prefix + ".k_proj.weight"
        v = prefix + ".v_proj.weight"
        o = prefix + ".o_proj.weight"
    }
    var all: [String] { [q, k, v, o] }
}

/// Parameter names of one Gemma 2 block: self-attention, an optional cross-attention (T5Gemma
/// decoder), and the GeGLU feed-forward, each wrapped in a pre-norm and a post-norm.
public struct BlockNames: Sendable {
    public var preAttentionNorm, postAttentionNorm: String
    public var attention: AttentionNames
    public var preCrossNorm, postCrossNorm: String?
    public var cross: AttentionNames?
    public var preFeedForwardNorm, postFeedForwardNorm: String
    public var gate, up, down: String

    /// Gemma2ForCausalLM: `model.layers.{i}.input_layernorm`, `post_attention_layernorm`, ...
    public static func gemma2(layer i: Int) -> BlockNames {
        let p = "model.layers.\(i)."
        return BlockNames(
            preAttentionNorm: p + "input_layernorm.weight", postAttentionNorm: p + "post_attention_layernorm.weight",
            attention: AttentionNames(prefix: p + "self_attn"),
            preCrossNorm: nil, postCrossNorm: nil, cross: nil,
            preFeedForwardNorm: p + "pre_feedforward_layernorm.weight",
            postFeedForwardNorm: p + "post_feedforward_layernorm.weight",
            gate: p + "mlp.gate_proj.weight", up: p + "mlp.up_proj.weight", down: p + "mlp.down_proj.weight")
    }

    /// T5Gemma: `model.encoder.layers.{i}.pre_self_attn_layernorm`, ...; the decoder adds `cross_attn`.
    public static func t5gemma(stack: String, layer i: Int, crossAttention: Bool) -> BlockNames {
        let p = "model.\(stack).layers.\(i)."
        return BlockNames(
            preAttentionNorm: p + "pre_self_attn_layernorm.weight", postAttentionNorm: p + "post_self_attn_layernorm.weight",
            attention: AttentionNames(prefix: p + "self_attn"),
            preCrossNorm: crossAttention ? p + "pre_cross_attn_layernorm.weight" : nil,
            postCrossNorm: crossAttention ? p + "post_cross_attn_layernorm.weight" : nil,
            cross: crossAttention ? AttentionNames(prefix: p + "cross_attn") : nil,
            preFeedForwardNorm: p + "pre_feedforward_layernorm.weight",
            postFeedForwardNorm: p + "post_feedforward_layernorm.weight",
            gate: p + "mlp.gate_proj.weight", up: p + "mlp.up_proj.weight", down: p + "mlp.down_proj.weight")
    }

    /// Every norm weight of the block.
    public var norms: [String] {
        [preAttentionNorm, postAttentionNorm, preFeedForwardNorm, postFeedForwardNorm]
            + [preCrossNorm, postCrossNorm].compactMap { $0 }
    }

    /// Every parameter of the block.
    public var all: [String] {
        norms + attention.all + (cross?.all ?? []) + [gate, up, down]
    }
}

/// Parameter names of a whole stack (decoder-only model, encoder, or decoder).
public struct StackNames: Sendable {
    public var embedding: String
    public var finalNorm: String
    public var blocks: [BlockNames]

    public static func gemma2(layers: Int) -> StackNames {
        StackNames(embedding: "model.embed_tokens.weight", finalNorm: "model.norm.weight",
                   blocks: (0..<layers).map { BlockNames.gemma2(layer: $0) })
    }

    public static func t5gemma(stack: String, layers: Int, crossAttention: Bool) -> StackNames {
        StackNames(embedding: "model.\(stack).embed_tokens.weight", finalNorm: "model.\(stack).norm.weight",
                   blocks: (0..<layers).map { BlockNames.t5gemma(stack: stack, layer: $0, crossAttention: crossAttention) })
    }

    /// Every norm weight of the stack (kernels read norms as f32).
    public var norms: [String] { blocks.flatMap(\.norms) + [finalNorm] }
}
