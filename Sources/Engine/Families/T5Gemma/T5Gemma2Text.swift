import Tokenizers
/// What a T5Gemma 2 model (`model_type` t5gemma2, transformers' `T5Gemma2ForConditionalGeneration`)
/// computes beyond T5Gemma, for its text part. Both stacks are Gemma 3 stacks (per-head q/k norms, a
/// RoPE per layer type, no attention soft-cap); the decoder has no cross-attention block: each layer's
/// **merged attention** runs one softmax over its own (causal, possibly sliding) keys and the encoder
/// output projected with the same `k_proj`, `v_proj` and `k_norm` (no RoPE on those). One embedding
/// table serves the encoder, the decoder and the LM head; the token `eoiTokenIndex` is embedded as the
/// learned, unscaled `eoi_embedding` vector instead of a table row. Encoder sliding layers split their
/// window `W` around the query: `(W + 1) / 2` keys to the left (itself included), `W / 2` to the right.
public struct T5Gemma2Text: Sendable, Equatable, Codable {
    /// The end-of-image token, embedded as `model.encoder.embed_tokens.eoi_embedding`.
    public var eoiTokenIndex: TokenID
    /// The begin-of-image token (only written back to config.json).
    public var boiTokenIndex: TokenID
    /// The image placeholder token; a prompt holding it asks for image inputs, which Duet refuses.
    public var imageTokenIndex: TokenID
    /// Image tokens per image (only written back to config.json).
    public var mmTokensPerImage: Int
    /// The encoder's `vision_config` as read (compact JSON), written back unchanged so that transformers
    /// builds the same vision tower; nil writes a minimal SigLIP config.
    public var visionConfigJSON: String?

    public init(eoiTokenIndex: TokenID = 256_000, boiTokenIndex: TokenID = 255_999, imageTokenIndex: TokenID = 262_144,
                mmTokensPerImage: Int = 256, visionConfigJSON: String? = nil) {
        self.eoiTokenIndex = eoiTokenIndex
        self.boiTokenIndex = boiTokenIndex
        self.imageTokenIndex = imageTokenIndex
        self.mmTokensPerImage = mmTokensPerImage
        self.visionConfigJSON = visionConfigJSON
    }

    /// The vision config written for models without one (made by `duet init` or adapted from a text-only
    /// Gemma 3): the smallest SigLIP tower transformers builds, so that it loads the checkpoint (with a
    /// warning that the tower is newly initialised). Compact JSON, as `visionConfigJSON` holds it.
    public static let minimalVisionConfig = #"{"hidden_size":16,"image_size":28,"intermediate_size":32,"model_type":"siglip_vision_model","num_attention_heads":2,"num_hidden_layers":1,"patch_size":14}"#

    /// Where the vision tower and its projector live in a checkpoint: Duet loads the text part only.
    public static let visionPrefixes = ["model.encoder.vision_tower.", "model.encoder.multi_modal_projector."]

    /// The encoder's bidirectional sliding window `W` as (left, right) extents: a key at distance
    /// `q − k` in `0..<left` or `k − q` in `1..<right` is visible (transformers'
    /// `sliding_window_mask_function(W, is_causal=False)`).
    public static func encoderWindow(_ w: Int) -> (left: Int, right: Int) { ((w + 1) / 2, w / 2 + 1) }
}
