/// Parameter names of one attention sub-block (self- or cross-attention).
public struct AttentionNames: Sendable {
    public var q, k, v, o: String
    /// Gemma 3: the per-head RMSNorm weights of queries and keys (`q_norm`, `k_norm`, `[head_dim]`).
    public var qNorm, kNorm: String?
    init(prefix: String, queryKeyNorm: Bool = false) {
        q = prefix + ".q_proj.weight"
        k = prefix + ".k_proj.weight"
        v = prefix + ".v_proj.weight"
        o = prefix + ".o_proj.weight"
        qNorm = queryKeyNorm ? prefix + ".q_norm.weight" : nil
        kNorm = queryKeyNorm ? prefix + ".k_norm.weight" : nil
    }
    var norms: [String] { [qNorm, kNorm].compactMap { $0 } }
    var all: [String] { [q, k, v, o] + norms }
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

    /// Gemma2ForCausalLM: `model.layers.{i}.input_layernorm`, `post_attention_layernorm`, ...;
    /// Gemma3ForCausalLM the same with `self_attn.q_norm` and `self_attn.k_norm` (`queryKeyNorm`).
    public static func gemma2(layer i: Int, queryKeyNorm: Bool = false) -> BlockNames {
        let p = "model.layers.\(i)."
        return BlockNames(
            preAttentionNorm: p + "input_layernorm.weight", postAttentionNorm: p + "post_attention_layernorm.weight",
            attention: AttentionNames(prefix: p + "self_attn", queryKeyNorm: queryKeyNorm),
            preCrossNorm: nil, postCrossNorm: nil, cross: nil,
            preFeedForwardNorm: p + "pre_feedforward_layernorm.weight",
            postFeedForwardNorm: p + "post_feedforward_layernorm.weight",
            gate: p + "mlp.gate_proj.weight", up: p + "mlp.up_proj.weight", down: p + "mlp.down_proj.weight")
    }

    /// T5Gemma: `model.encoder.layers.{i}.pre_self_attn_layernorm`, ...; the decoder adds `cross_attn`.
    /// T5Gemma 2 the same without `cross_attn` and with `self_attn.q_norm`/`k_norm` (`queryKeyNorm`).
    public static func t5gemma(stack: String, layer i: Int, crossAttention: Bool, queryKeyNorm: Bool = false) -> BlockNames {
        let p = "model.\(stack).layers.\(i)."
        return BlockNames(
            preAttentionNorm: p + "pre_self_attn_layernorm.weight", postAttentionNorm: p + "post_self_attn_layernorm.weight",
            attention: AttentionNames(prefix: p + "self_attn", queryKeyNorm: queryKeyNorm),
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
            + [preCrossNorm, postCrossNorm].compactMap { $0 } + attention.norms
    }

    /// Every parameter of the block.
    public var all: [String] {
        norms + [attention.q, attention.k, attention.v, attention.o] + (cross?.all ?? []) + [gate, up, down]
    }
}

/// Parameter names of a whole stack (decoder-only model, encoder, or decoder).
public struct StackNames: Sendable {
    public var embedding: String
    public var finalNorm: String
    public var blocks: [BlockNames]
    /// T5Gemma 2: the learned embedding of the eoi token (`embed_tokens.eoi_embedding`, `[d]`).
    public var eoiEmbedding: String? = nil

    public static func gemma2(layers: Int, queryKeyNorm: Bool = false) -> StackNames {
        StackNames(embedding: "model.embed_tokens.weight", finalNorm: "model.norm.weight",
                   blocks: (0..<layers).map { BlockNames.gemma2(layer: $0, queryKeyNorm: queryKeyNorm) })
    }

    public static func t5gemma(stack: String, layers: Int, crossAttention: Bool) -> StackNames {
        StackNames(embedding: "model.\(stack).embed_tokens.weight", finalNorm: "model.\(stack).norm.weight",
                   blocks: (0..<layers).map { BlockNames.t5gemma(stack: stack, layer: $0, crossAttention: crossAttention) })
    }

    /// T5Gemma 2: both stacks read the encoder's embedding table and eoi vector (one table, tied).
    public static func t5gemma2(stack: String, layers: Int) -> StackNames {
        StackNames(embedding: "model.encoder.embed_tokens.weight", finalNorm: "model.\(stack).norm.weight",
                   blocks: (0..<layers).map { BlockNames.t5gemma(stack: stack, layer: $0, crossAttention: false, queryKeyNorm: true) },
                   eoiEmbedding: "model.encoder.embed_tokens.eoi_embedding")
    }

    /// Every norm weight of the stack (kernels read norms as f32).
    public var norms: [String] { blocks.flatMap(\.norms) + [finalNorm] }
}
