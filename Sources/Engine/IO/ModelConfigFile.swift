import DuetCore
import Foundation
import Tokenizers

/// A model directory's `config.json` (t5gemma-reference.md §2.1, §3.1).
///
/// Tolerant of the variants real files carry (`rope_theta` or `rope_parameters.rope_theta`,
/// `hidden_act` or `hidden_activation`, `layer_types` given or derived, `eos_token_id` an id or a
/// list, soft-caps and `sliding_window` null, `torch_dtype` or `dtype`); absent fields take
/// transformers' defaults (`head_dim` and `query_pre_attn_scalar` 256, as `Gemma2Config`).
/// Strict about what changes the computation: unknown `model_type`, a `layer_types` list of the
/// wrong length, heads not a multiple of KV heads, non-positive sizes, biases, RoPE scaling.
public enum ModelConfigFile {
    public static let fileName = "config.json"
    /// Largest `num_hidden_layers` accepted.
    static let maxLayers = 100_000

    /// Reads and parses `directory/config.json`.
    public static func load(directory: URL) throws -> ModelConfig {
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { throw CheckpointError.missingFile(file: url.path) }
        return try parse(try readWholeFile(url), file: url.path)
    }

    /// Parses config.json text; `file` names it in errors. `model_type` must be gemma2 or t5gemma.
    public static func parse(_ data: Data, file: String) throws -> ModelConfig {
        let json: JSONValue
        do {
            json = try JSONParser.parse(data)
        } catch let e as JSONParseError {
            throw CheckpointError.config(file: file, field: "(root)", reason: "not valid JSON: \(e)")
        }
        let root = try ConfigFields(json, file: file)
        guard let modelType = try root.string("model_type") else {
            throw root.error("model_type", "missing (expected \"gemma2\" or \"t5gemma\")")
        }
        switch modelType {
        case "gemma2":
            return .gemma2(try parseStack(root, inheritedVocab: nil))
        case "gemma3_text":
            return .gemma2(try parseStack(root, inheritedVocab: nil, gemma3: true))
        case "gemma3":
            throw root.error("model_type", "\"gemma3\" (Gemma 3 with its vision tower, Gemma3ForConditionalGeneration) is not "
                             + "supported yet; text-only Gemma 3 checkpoints (model_type \"gemma3_text\", e.g. gemma-3-270m and "
                             + "gemma-3-1b) load")
        case "t5gemma":
            return .t5gemma(try parseT5Gemma(root))
        case "t5gemma2":
            return .t5gemma(try parseT5Gemma2(root))
        default:
            throw root.error("model_type", "\"\(modelType)\" is not supported (expected \"gemma2\", \"gemma3_text\", "
                             + "\"t5gemma\" or \"t5gemma2\")")
        }
    }

    private static func parseT5Gemma(_ root: ConfigFields) throws -> T5GemmaConfig {
        // The top-level vocab_size only fills sub-configs that lack one: transformers sizes each
        // embedding from its own sub-config.
        let topVocab = try root.int("vocab_size")
        guard let encoderFields = try root.nested("encoder") else { throw root.error("encoder", "missing encoder config") }
        guard let decoderFields = try root.nested("decoder") else { throw root.error("decoder", "missing decoder config") }
        var encoder = try parseStack(encoderFields, inheritedVocab: topVocab)
        var decoder = try parseStack(decoderFields, inheritedVocab: topVocab)
        // transformers always sets the decoder's cross-attention width to the encoder's hidden size.
        let cross = try decoderFields.int("cross_attention_hidden_size") ?? encoder.hiddenSize
        guard cross == encoder.hiddenSize else {
            throw decoderFields.error("cross_attention_hidden_size", "is \(cross) but encoder.hidden_size is \(encoder.hiddenSize)")
        }
        decoder.crossAttentionHiddenSize = cross
        let pad = try root.tokenID("pad_token_id") ?? decoder.padTokenID
        let bos = try root.tokenID("bos_token_id") ?? decoder.bosTokenID
        let eos = try root.tokenIDs("eos_token_id") ?? decoder.eosTokenIDs
        try checkTokenIDs(root, vocab: decoder.vocabSize, pad: pad, bos: bos, eos: eos)
        // One dtype for the whole model: the top-level one, pushed into both stacks.
        let dtype = try parseDType(root) ?? decoder.torchDtype
        encoder.torchDtype = dtype
        decoder.torchDtype = dtype
        return T5GemmaConfig(encoder: encoder, decoder: decoder,
                             tieWordEmbeddings: try root.bool("tie_word_embeddings") ?? true,
                             padTokenID: pad, bosTokenID: bos, eosTokenIDs: eos, torchDtype: dtype)
    }

    /// T5Gemma 2: the encoder's text stack sits under `encoder.text_config` (beside its `vision_config`),
    /// the decoder's under `decoder`; both are Gemma 3 stacks. Merged attention projects the encoder
    /// output with the decoder's own k/v projections, so both stacks must be equally wide; the
    /// embedding is shared, so tied embeddings and one vocabulary are required.
    private static func parseT5Gemma2(_ root: ConfigFields) throws -> T5GemmaConfig {
        let topVocab = try root.int("vocab_size")
        guard let encoderRoot = try root.nested("encoder") else { throw root.error("encoder", "missing encoder config") }
        guard let decoderFields = try root.nested("decoder") else { throw root.error("decoder", "missing decoder config") }
        guard let encoderFields = try encoderRoot.nested("text_config") else {
            throw encoderRoot.error("text_config", "missing the encoder's text config")
        }
        var encoder = try parseStack(encoderFields, inheritedVocab: topVocab, gemma3: true)
        var decoder = try parseStack(decoderFields, inheritedVocab: topVocab, gemma3: true)
        guard encoder.hiddenSize == decoder.hiddenSize else {
            throw decoderFields.error("hidden_size", "is \(decoder.hiddenSize) but the encoder's is \(encoder.hiddenSize): "
                                      + "merged attention reads the encoder with the decoder's projections")
        }
        guard encoder.vocabSize == decoder.vocabSize else {
            throw decoderFields.error("vocab_size", "is \(decoder.vocabSize) but the encoder's is \(encoder.vocabSize) "
                                      + "(T5Gemma 2 shares one embedding)")
        }
        guard try root.bool("tie_word_embeddings") ?? true else {
            throw root.error("tie_word_embeddings", "false is not supported (every T5Gemma 2 ties its embeddings)")
        }
        let pad = try root.tokenID("pad_token_id") ?? decoder.padTokenID
        let bos = try root.tokenID("bos_token_id") ?? decoder.bosTokenID
        let eos = try root.tokenIDs("eos_token_id") ?? decoder.eosTokenIDs
        try checkTokenIDs(root, vocab: decoder.vocabSize, pad: pad, bos: bos, eos: eos)
        let defaults = T5Gemma2Text()
        let eoi = try root.tokenID("eoi_token_index") ?? encoderRoot.tokenID("eoi_token_index") ?? defaults.eoiTokenIndex
        let text = T5Gemma2Text(
            eoiTokenIndex: eoi,
            boiTokenIndex: try encoderRoot.tokenID("boi_token_index") ?? defaults.boiTokenIndex,
            imageTokenIndex: try encoderRoot.tokenID("image_token_index") ?? defaults.imageTokenIndex,
            mmTokensPerImage: try encoderRoot.int("mm_tokens_per_image") ?? defaults.mmTokensPerImage,
            visionConfigJSON: encoderRoot.value("vision_config").flatMap { $0 == .null ? nil : JSONWriter.string($0, indent: nil) })
        let dtype = try parseDType(root) ?? decoder.torchDtype
        encoder.torchDtype = dtype
        decoder.torchDtype = dtype
        return T5GemmaConfig(encoder: encoder, decoder: decoder, tieWordEmbeddings: true, padTokenID: pad, bosTokenID: bos,
                             eosTokenIDs: eos, torchDtype: dtype, t5gemma2: text)
    }

    /// One Gemma 2 stack: a whole gemma2 config, or a T5Gemma `encoder`/`decoder` sub-config; with
    /// `gemma3`, a whole gemma3_text config (its defaults are transformers' `Gemma3TextConfig`'s).
    static func parseStack(_ f: ConfigFields, inheritedVocab: Int?, gemma3: Bool = false) throws -> Gemma2Config {
        let vocab = try f.positiveInt("vocab_size", default: inheritedVocab ?? (gemma3 ? 262_208 : 256_000))
        let hidden = try f.positiveInt("hidden_size", default: 2304)
        let intermediate = try f.positiveInt("intermediate_size", default: 9216)
        let layers = try f.positiveInt("num_hidden_layers", default: 26)
        // Without layer_types, one entry per layer is allocated: bound the count (a corrupt 10^18 would
        // ask for exabytes). Real models have tens of layers.
        guard layers <= maxLayers else { throw f.error("num_hidden_layers", "\(layers) is more than \(maxLayers)") }
        let heads = try f.positiveInt("num_attention_heads", default: 8)
        let kvHeads = try f.positiveInt("num_key_value_heads", default: 4)
        guard heads % kvHeads == 0 else {
            throw f.error("num_key_value_heads", "\(kvHeads) does not divide num_attention_heads (\(heads))")
        }
        let headDim = try f.positiveInt("head_dim", default: 256)
        let scalar = try f.positiveFloat("query_pre_attn_scalar", default: 256)
        let eps = try f.positiveFloat("rms_norm_eps", default: 1e-6)
        let maxPositions = try f.positiveInt("max_position_embeddings", default: gemma3 ? 131_072 : 8192)

        var window: Int? = 4096
        if f.has("sliding_window") {
            window = try f.int("sliding_window")
            if let w = window, w <= 0 { throw f.error("sliding_window", "must be positive or null, found \(w)") }
        }
        let layerTypes: [LayerType]
        if let v = f.value("layer_types") {
            guard case let .array(items) = v else { throw f.error("layer_types", "expected a list, found \(v.kindName)") }
            guard items.count == layers else {
                throw f.error("layer_types", "has \(items.count) entries but num_hidden_layers is \(layers)")
            }
            layerTypes = try items.enumerated().map { i, item in
                guard case let .string(s) = item, let t = LayerType(rawValue: s) else {
                    throw f.error("layer_types", "entry \(i) must be \"sliding_attention\" or \"full_attention\"")
                }
                return t
            }
        } else if gemma3 {
            // transformers 5 saves the pattern as `_sliding_window_pattern`; files on the Hub say `sliding_window_pattern`.
            let key = f.has("sliding_window_pattern") ? "sliding_window_pattern" : "_sliding_window_pattern"
            let pattern = try f.positiveInt(key, default: 6)
            layerTypes = Gemma3Text.defaultLayerTypes(layers, pattern: pattern)
        } else {
            layerTypes = Gemma2Config.defaultLayerTypes(layers)
        }
        // transformers' Gemma3Attention keeps attn_logit_softcapping but never passes it to the attention:
        // Gemma 3 computes uncapped scores whatever the file says.
        let attnCap = gemma3 ? nil : try softcap(f, "attn_logit_softcapping", default: 50)
        let finalCap = try softcap(f, "final_logit_softcapping", default: gemma3 ? nil : 30)
        let activationKey = f.has("hidden_activation") ? "hidden_activation" : "hidden_act"
        let activation = try f.string(activationKey) ?? "gelu_pytorch_tanh"
        // The feed-forward computes GeGLU with the tanh-approximated GELU; another activation would load
        // and silently compute something else than the checkpoint was trained with.
        guard supportedActivations.contains(activation) else {
            throw f.error(activationKey, "activation \"\(activation)\" is not supported (Duet computes "
                          + supportedActivations.sorted().map { "\"\($0)\"" }.joined(separator: " / ") + ")")
        }
        if try f.bool("attention_bias") == true { throw f.error("attention_bias", "attention biases are not supported") }
        if try f.bool("use_bidirectional_attention") == true {
            throw f.error("use_bidirectional_attention", "bidirectional \(gemma3 ? "Gemma 3" : "Gemma 2") models are not supported")
        }
        let rope = gemma3 ? try gemma3Rope(f) : (theta: try ropeTheta(f), text: nil)
        let pad = try f.tokenID("pad_token_id") ?? 0
        let bos = try f.tokenID("bos_token_id") ?? 2
        let eos = try f.has("eos_token_id") ? (f.tokenIDs("eos_token_id") ?? []) : [1]
        try checkTokenIDs(f, vocab: vocab, pad: pad, bos: bos, eos: eos)
        return Gemma2Config(
            vocabSize: vocab, hiddenSize: hidden, intermediateSize: intermediate, numLayers: layers,
            numHeads: heads, numKVHeads: kvHeads, headDim: headDim, queryPreAttnScalar: scalar,
            ropeTheta: rope.theta, rmsNormEps: eps, slidingWindow: window, layerTypes: layerTypes,
            attnLogitSoftcap: attnCap, finalLogitSoftcap: finalCap,
            tieWordEmbeddings: try f.bool("tie_word_embeddings") ?? true,
            padTokenID: pad, bosTokenID: bos, eosTokenIDs: eos, hiddenActivation: activation,
            maxPositionEmbeddings: maxPositions, torchDtype: try parseDType(f),
            crossAttentionHiddenSize: try f.int("cross_attention_hidden_size"), gemma3: rope.text)
    }

    /// Activation names whose function is the tanh-approximated GELU (transformers' `gelu_pytorch_tanh`
    /// and `gelu_new` compute the same formula).
    static let supportedActivations: Set<String> = ["gelu_pytorch_tanh", "gelu_new"]

    /// A soft-cap: absent takes transformers' default, null disables it, otherwise positive.
    private static func softcap(_ f: ConfigFields, _ key: String, default fallback: Float?) throws -> Float? {
        guard f.has(key) else { return fallback }
        guard let x = try f.float(key) else { return nil }
        guard x.isFinite, x > 0 else { throw f.error(key, "must be a positive number or null, found \(x)") }
        return x
    }

    /// RoPE base: `rope_parameters.rope_theta` (transformers 5) or `rope_theta` (older files).
    /// Only plain RoPE exists in Gemma 2; any scaling would silently change every position.
    private static func ropeTheta(_ f: ConfigFields) throws -> Float {
        if let params = try f.nested("rope_parameters") {
            if let type = try params.string("rope_type"), type != "default" {
                throw params.error("rope_type", "\"\(type)\" RoPE is not supported (only \"default\")")
            }
            if let theta = try params.float("rope_theta") {
                guard theta.isFinite, theta > 0 else { throw params.error("rope_theta", "must be positive, found \(theta)") }
                return theta
            }
        }
        if let scaling = f.value("rope_scaling") {
            throw f.error("rope_scaling", "RoPE scaling \(JSONWriter.string(scaling, indent: nil)) is not supported")
        }
        return try f.positiveFloat("rope_theta", default: 10_000)
    }

    /// Gemma 3's two RoPEs: the full layers' base (the stack's `ropeTheta`) and what the sliding
    /// layers and linear scaling add. transformers 5 writes `rope_parameters` per layer type; files on
    /// the Hub carry `rope_theta`, `rope_local_base_freq` and `rope_scaling` instead.
    private static func gemma3Rope(_ f: ConfigFields) throws -> (theta: Float, text: Gemma3Text?) {
        var full: (theta: Float, factor: Float?) = (1_000_000, nil)
        var sliding: (theta: Float, factor: Float?) = (10_000, nil)
        if let params = try f.nested("rope_parameters") {
            if params.has("full_attention") || params.has("sliding_attention") {
                if let p = try params.nested("full_attention") { full = try ropeEntry(p, defaultTheta: full.theta) }
                if let p = try params.nested("sliding_attention") { sliding = try ropeEntry(p, defaultTheta: sliding.theta) }
            } else {
                full = try ropeEntry(params, defaultTheta: full.theta)
                sliding = (try f.positiveFloat("rope_local_base_freq", default: sliding.theta), nil)
            }
        } else {
            full.theta = try f.positiveFloat("rope_theta", default: full.theta)
            sliding.theta = try f.positiveFloat("rope_local_base_freq", default: sliding.theta)
            if let scaling = try f.nested("rope_scaling") { full.factor = try ropeEntry(scaling, defaultTheta: full.theta).factor }
        }
        return (full.theta, Gemma3Text(slidingRopeTheta: sliding.theta, slidingRopeFactor: sliding.factor, fullRopeFactor: full.factor))
    }

    /// One RoPE description: plain ("default") or "linear" (positions divided by `factor`); any other
    /// kind would silently change every position.
    private static func ropeEntry(_ p: ConfigFields, defaultTheta: Float) throws -> (theta: Float, factor: Float?) {
        let key = p.has("rope_type") ? "rope_type" : "type"
        let type = try p.string(key) ?? "default"
        let theta = try p.positiveFloat("rope_theta", default: defaultTheta)
        switch type {
        case "default": return (theta, nil)
        case "linear":
            let factor = try p.positiveFloat("factor", default: 1)
            return (theta, factor == 1 ? nil : factor)
        default: throw p.error(key, "\"\(type)\" RoPE is not supported (only \"default\" and \"linear\")")
        }
    }

    /// `dtype` (transformers 5) or `torch_dtype` (older); unknown spellings (`"auto"`) read as nil.
    private static func parseDType(_ f: ConfigFields) throws -> DType? {
        let name = try f.string("dtype") ?? f.string("torch_dtype")
        // A compute dtype: int8 is a storage format of weights (Q8), never what a config runs in.
        return name.flatMap { DType(name: $0) }.flatMap { $0 == .i8 ? nil : $0 }
    }

    private static func checkTokenIDs(_ f: ConfigFields, vocab: Int, pad: TokenID, bos: TokenID, eos: [TokenID]) throws {
        for (key, ids) in [("pad_token_id", [pad]), ("bos_token_id", [bos]), ("eos_token_id", eos)] {
            if let bad = ids.first(where: { Int($0) >= vocab }) {
                throw f.error(key, "token id \(bad) is outside the vocabulary (vocab_size \(vocab))")
            }
        }
    }
}

extension ModelConfig {
    /// `"gemma2"`, `"gemma3_text"`, `"t5gemma"` or `"t5gemma2"`, as in config.json.
    public var modelType: String {
        switch self {
        case let .gemma2(c): c.gemma3 == nil ? "gemma2" : "gemma3_text"
        case let .t5gemma(c): c.t5gemma2 == nil ? "t5gemma" : "t5gemma2"
        }
    }

    /// The transformers class that loads the checkpoint.
    public var architecture: String {
        switch self {
        case let .gemma2(c): c.gemma3 == nil ? "Gemma2ForCausalLM" : "Gemma3ForCausalLM"
        case let .t5gemma(c): c.t5gemma2 == nil ? "T5GemmaForConditionalGeneration" : "T5Gemma2ForConditionalGeneration"
        }
    }

    /// The dtype config.json declares, if any.
    public var torchDtype: DType? {
        switch self {
        case let .gemma2(c): c.torchDtype
        case let .t5gemma(c): c.torchDtype
        }
    }
}
