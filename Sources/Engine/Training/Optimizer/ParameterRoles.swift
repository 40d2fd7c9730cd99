/// What the optimizer needs to know about a parameter from its Hugging Face name.
public enum ParameterRoles {
    /// RMSNorm weights (`*norm.weight`, `*layernorm.weight`): Gemma's `1 + w` scales.
    public static func isNorm(_ name: String) -> Bool {
        name.hasSuffix("norm.weight")
    }

    /// Token embeddings (`*embed_tokens.weight`), which Gemma ties to the LM head.
    public static func isEmbedding(_ name: String) -> Bool {
        name.hasSuffix("embed_tokens.weight")
    }

    /// Whether AdamW's decoupled weight decay applies to `name`. By convention (GPT-2, nanoGPT,
    /// HF Trainer) norms and embeddings are not decayed: decaying `w` in `1 + w` pulls a norm's scale
    /// towards 1 rather than towards 0, and decaying the tied embedding shrinks every logit.
    public static func decays(_ name: String, decayNormsAndEmbeddings: Bool) -> Bool {
        decayNormsAndEmbeddings || !(isNorm(name) || isEmbedding(name))
    }

    /// The parameters T5Gemma adaptation warms up first: every decoder cross-attention projection
    /// (`*.cross_attn.{q,k,v,o}_proj.weight`) and the norms around it (`*.pre_cross_attn_layernorm.weight`,
    /// `*.post_cross_attn_layernorm.weight`). These are the only weights that have no counterpart in the
    /// decoder-only source model.
    public static func isCrossAttention(_ name: String) -> Bool {
        name.contains(".cross_attn.") || name.hasSuffix("_cross_attn_layernorm.weight")
    }
}
