import Tokenizers
/// Attention pattern of one layer.
public enum LayerType: String, Sendable, Codable {
    /// Sees at most `slidingWindow` positions (Gemma 2's local layers).
    case sliding = "sliding_attention"
    /// Sees every permitted position.
    case full = "full_attention"
}

/// The architecture of one Gemma 2 stack: a decoder-only model, or one side (encoder or decoder)
/// of a T5Gemma model. Field names follow Hugging Face's `Gemma2Config`.
public struct Gemma2Config: Sendable, Equatable, Codable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numLayers: Int
    public var numHeads: Int
    public var numKVHeads: Int
    /// Independent of `hiddenSize / numHeads` (Gemma 2 2B: 2304 hidden, 8 heads of 256).
    public var headDim: Int
    /// Scores are scaled by `queryPreAttnScalar^-0.5`.
    public var queryPreAttnScalar: Float
    public var ropeTheta: Float
    public var rmsNormEps: Float
    public var slidingWindow: Int?
    public var layerTypes: [LayerType]
    /// Attention logits soft-cap (50 in Gemma 2), applied before the mask; nil disables it.
    public var attnLogitSoftcap: Float?
    /// Final logits soft-cap (30 in Gemma 2); nil disables it.
    public var finalLogitSoftcap: Float?
    public var tieWordEmbeddings: Bool
    public var padTokenID: TokenID
    public var bosTokenID: TokenID
    public var eosTokenIDs: [TokenID]
    /// `gelu_pytorch_tanh` for every Gemma 2 model.
    public var hiddenActivation: String
    public var maxPositionEmbeddings: Int
    /// The dtype the checkpoint declares (`torch_dtype`), if any.
    public var torchDtype: DType?
    /// For a T5Gemma decoder: the width of the encoder output its cross-attention reads.
    public var crossAttentionHiddenSize: Int?
    /// A Gemma 3 text model (`model_type` gemma3_text): what it computes beyond Gemma 2. nil for
    /// Gemma 2 and T5Gemma stacks.
    public var gemma3: Gemma3Text?

    public init(vocabSize: Int = 256_000, hiddenSize: Int = 2304, intermediateSize: Int = 9216,
                numLayers: Int = 26, numHeads: Int = 8, numKVHeads: Int = 4, headDim: Int = 256,
                queryPreAttnScalar: Float = 256, ropeTheta: Float = 10_000, rmsNormEps: Float = 1e-6,
                slidingWindow: Int? = 4096, layerTypes: [LayerType]? = nil,
                attnLogitSoftcap: Float? = 50, finalLogitSoftcap: Float? = 30,
                tieWordEmbeddings: Bool = true, padTokenID: TokenID = 0, bosTokenID: TokenID = 2,
                eosTokenIDs: [TokenID] = [1], hiddenActivation: String = "gelu_pytorch_tanh",
                maxPositionEmbeddings: Int = 8192, torchDtype: DType? = nil,
                crossAttentionHiddenSize: Int? = nil, gemma3: Gemma3Text? = nil) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.numLayers = numLayers
        self.numHeads = numHeads
        self.numKVHeads = numKVHeads
        self.headDim = headDim
        self.queryPreAttnScalar = queryPreAttnScalar
        self.ropeTheta = ropeTheta
        self.rmsNormEps = rmsNormEps
        self.slidingWindow = slidingWindow
        self.layerTypes = layerTypes ?? Gemma2Config.defaultLayerTypes(numLayers)
        self.attnLogitSoftcap = attnLogitSoftcap
        self.finalLogitSoftcap = finalLogitSoftcap
        self.tieWordEmbeddings = tieWordEmbeddings
        self.padTokenID = padTokenID
        self.bosTokenID = bosTokenID
        self.eosTokenIDs = eosTokenIDs
        self.hiddenActivation = hiddenActivation
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.torchDtype = torchDtype
        self.crossAttentionHiddenSize = crossAttentionHiddenSize
        self.gemma3 = gemma3
    }

    /// HF's derivation when `layer_types` is absent: even layers (0, 2, ...) sliding, odd layers full.
    public static func defaultLayerTypes(_ n: Int) -> [LayerType] {
        (0..<n).map { ($0 + 1) % 2 == 1 ? .sliding : .full }
    }

    /// Width of all query heads together.
    public var qDim: Int { numHeads * headDim }
    /// Width of all key (or value) heads together.
    public var kvDim: Int { numKVHeads * headDim }
    /// The RoPE of a layer of type `type`: Gemma 2 has one; Gemma 3 gives sliding layers their own
    /// base and may scale the full layers' positions linearly.
    public func rope(for type: LayerType) -> RoPE {
        guard let g = gemma3 else { return RoPE(headDim: headDim, theta: ropeTheta) }
        switch type {
        case .sliding: return RoPE(headDim: headDim, theta: g.slidingRopeTheta, linearFactor: g.slidingRopeFactor ?? 1)
        case .full: return RoPE(headDim: headDim, theta: ropeTheta, linearFactor: g.fullRopeFactor ?? 1)
        }
    }

    /// `sqrt(hidden_size)`, the embedding scale (exact in f32, as HF computes it for f32 models).
    public var embedScale: Float { Float(hiddenSize).squareRoot() }
}

/// What a Gemma 3 text stack computes beyond Gemma 2 (transformers' `Gemma3TextConfig`): every
/// layer normalises its queries and keys per head (RMSNorm with `1 + w`, weights `q_norm`/`k_norm`)
/// before RoPE, and sliding and full layers have RoPEs of their own. Full layers use the stack's
/// `ropeTheta` (1,000,000 by default). Attention scores are never soft-capped; the final logits only
/// when config.json sets `final_logit_softcapping`.
public struct Gemma3Text: Sendable, Equatable, Codable {
    /// RoPE base of sliding-window layers (`rope_local_base_freq`; 10,000 by default).
    public var slidingRopeTheta: Float
    /// Linear position scaling of sliding layers (none in released models).
    public var slidingRopeFactor: Float?
    /// Linear position scaling of full-attention layers (8 in Gemma 3 4B and larger).
    public var fullRopeFactor: Float?

    public init(slidingRopeTheta: Float = 10_000, slidingRopeFactor: Float? = nil, fullRopeFactor: Float? = nil) {
        self.slidingRopeTheta = slidingRopeTheta
        self.slidingRopeFactor = slidingRopeFactor
        self.fullRopeFactor = fullRopeFactor
    }

    /// transformers' derivation when `layer_types` is absent: every `pattern`-th layer full, the rest sliding.
    public static func defaultLayerTypes(_ n: Int, pattern: Int = 6) -> [LayerType] {
        (0..<n).map { ($0 + 1) % pattern == 0 ? .full : .sliding }
    }
}

/// An encoder-decoder T5Gemma model: two Gemma 2 stacks (the decoder with cross-attention), or with
/// `t5gemma2` set a T5Gemma 2 model: two Gemma 3 stacks, the decoder with merged attention.
public struct T5GemmaConfig: Sendable, Equatable, Codable {
    public var encoder: Gemma2Config
    public var decoder: Gemma2Config
    public var tieWordEmbeddings: Bool
    public var padTokenID: TokenID
    public var bosTokenID: TokenID
    public var eosTokenIDs: [TokenID]
    public var torchDtype: DType?
    /// T5Gemma 2: what it computes beyond T5Gemma (both stacks then carry `gemma3`). nil for T5Gemma.
    public var t5gemma2: T5Gemma2Text?

    public init(encoder: Gemma2Config, decoder: Gemma2Config, tieWordEmbeddings: Bool = true,
                padTokenID: TokenID = 0, bosTokenID: TokenID = 2, eosTokenIDs: [TokenID] = [1],
                torchDtype: DType? = nil, t5gemma2: T5Gemma2Text? = nil) {
        self.encoder = encoder
        var decoder = decoder
        // T5Gemma 2's merged attention reads the encoder through the decoder's own projections: no
        // cross-attention width.
        decoder.crossAttentionHiddenSize = t5gemma2 != nil ? nil : decoder.crossAttentionHiddenSize ?? encoder.hiddenSize
        self.t5gemma2 = t5gemma2
        self.decoder = decoder
        self.tieWordEmbeddings = tieWordEmbeddings
        self.padTokenID = padTokenID
        self.bosTokenID = bosTokenID
        self.eosTokenIDs = eosTokenIDs
        self.torchDtype = torchDtype
    }
}

/// The architectures Duet runs, as read from a model directory's `config.json`.
public enum ModelConfig: Sendable, Equatable {
    case gemma2(Gemma2Config)
    case t5gemma(T5GemmaConfig)
}
