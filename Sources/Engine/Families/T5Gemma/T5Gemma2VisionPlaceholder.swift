/// The vision tower Duet writes beside a T5Gemma 2 it made itself (`duet init`, `duet adapt` from a
/// text-only Gemma 3): transformers' `T5Gemma2ForConditionalGeneration` always builds a SigLIP tower
/// and a projector, and reports every weight a file lacks as missing. So Duet stores the smallest
/// tower (``T5Gemma2Text/minimalVisionConfig``: width 16, one layer, 28-pixel images of 14-pixel
/// patches, so 4 positions) as zeros: the model has never seen an image, and says so by having no
/// vision weights worth the name. Duet itself never reads them.
public enum T5Gemma2VisionPlaceholder {
    /// Every tensor of the minimal tower and projector, with its shape (the projector maps the tower's
    /// width to the text width).
    public static func layout(textHidden: Int) -> [(name: String, shape: [Int])] {
        let w = 16, mlp = 32
        let tower = "model.encoder.vision_tower."
        let layer = tower + "encoder.layers.0."
        var out: [(name: String, shape: [Int])] = [
            ("model.encoder.multi_modal_projector.mm_input_projection_weight", [w, textHidden]),
            ("model.encoder.multi_modal_projector.mm_soft_emb_norm.weight", [w]),
            (tower + "embeddings.patch_embedding.bias", [w]),
            (tower + "embeddings.patch_embedding.weight", [w, 3, 14, 14]),
            (tower + "embeddings.position_embedding.weight", [4, w]),
        ]
        for norm in ["layer_norm1", "layer_norm2"] { out += [(layer + norm + ".bias", [w]), (layer + norm + ".weight", [w])] }
        out += [(layer + "mlp.fc1.bias", [mlp]), (layer + "mlp.fc1.weight", [mlp, w]),
                (layer + "mlp.fc2.bias", [w]), (layer + "mlp.fc2.weight", [w, mlp])]
        for projection in ["k_proj", "out_proj", "q_proj", "v_proj"] {
            out += [(layer + "self_attn.\(projection).bias", [w]), (layer + "self_attn.\(projection).weight", [w, w])]
        }
        let head = tower + "head."
        out += [(head + "attention.in_proj_bias", [3 * w]), (head + "attention.in_proj_weight", [3 * w, w]),
                (head + "attention.out_proj.bias", [w]), (head + "attention.out_proj.weight", [w, w]),
                (head + "layernorm.bias", [w]), (head + "layernorm.weight", [w]),
                (head + "mlp.fc1.bias", [mlp]), (head + "mlp.fc1.weight", [mlp, w]),
                (head + "mlp.fc2.bias", [w]), (head + "mlp.fc2.weight", [w, mlp]),
                (head + "probe", [1, 1, w]),
                (tower + "post_layernorm.bias", [w]), (tower + "post_layernorm.weight", [w])]
        return out
    }

    /// The placeholder a config asks for: the minimal tower for a T5Gemma 2 without a vision config of
    /// its own (one Duet made), nothing otherwise (a checkpoint's own tower is carried, not replaced).
    public static func layout(for config: ModelConfig) -> [(name: String, shape: [Int])] {
        guard case let .t5gemma(c) = config, let v2 = c.t5gemma2,
              v2.visionConfigJSON == nil || v2.visionConfigJSON == T5Gemma2Text.minimalVisionConfig else { return [] }
        return layout(textHidden: c.encoder.hiddenSize)
    }
}
