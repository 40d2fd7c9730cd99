import Foundation

/// How the decoder's cross-attention starts.
public enum CrossAttentionInit: String, Sendable, Codable {
    /// Copied from the same layer's self-attention (the paper's balanced recipe; widths must match).
    case copy
    /// N(0, 0.02), seeded; trained alone first (the paper's unbalanced recipe, K = 1000 steps for 9B-2B).
    case random
}

/// Errors that make an adaptation impossible, naming the models and fields involved.
public enum AdaptationError: Error, CustomStringConvertible {
    case notDecoderOnly(URL)
    /// Gemma 3 sources become T5Gemma 2 (merged attention, query/key norms), which Duet cannot build yet.
    case gemma3NotSupported(URL)
    case vocabularyMismatch(encoder: Int, decoder: Int)
    case crossAttentionCopyNeedsEqualWidths(encoderHidden: Int, decoderHidden: Int)

    public var description: String {
        switch self {
        case let .notDecoderOnly(url): "\(url.path) is not a decoder-only Gemma 2 model (model_type gemma2)"
        case let .gemma3NotSupported(url):
            "\(url.path) is a Gemma 3 model: its encoder-decoder is T5Gemma 2, which duet adapt cannot build yet (only Gemma 2 -> T5Gemma)"
        case let .vocabularyMismatch(e, d):
            "encoder and decoder sources have different vocabularies (\(e) vs \(d)); they must share a tokenizer"
        case let .crossAttentionCopyNeedsEqualWidths(e, d):
            "--cross-attn copy needs equal widths (encoder hidden \(e), decoder hidden \(d)); use --cross-attn random"
        }
    }
}

/// What an adaptation wrote, and what training must do next.
public struct AdaptationPlan: Sendable, Codable, Equatable {
    public var source: String
    public var encoderSource: String
    public var crossAttention: CrossAttentionInit
    public var seed: UInt64
    /// Steps during which only cross-attention (and its norms) train; 0 when copied.
    public var warmupCrossAttentionSteps: Int
    public static let fileName = "duet_adaptation.json"
}

/// Turns decoder-only Gemma 2 checkpoints into a T5Gemma encoder-decoder the way the paper does
/// (reference §1.2): the encoder is the (bigger, for unbalanced pairs) model with bidirectional
/// attention; the decoder is the (smaller) model plus cross-attention, copied from its
/// self-attention when the widths match, else random; embeddings copied into both stacks.
public enum Adaptation {
    /// Unbalanced pairs train cross-attention alone this many steps first (the paper's K).
    public static let defaultWarmupSteps = 1000

    @discardableResult
    public static func adapt(decoderFrom: URL, encoderFrom: URL? = nil, crossAttention: CrossAttentionInit? = nil,
                             seed: UInt64 = 0, to out: URL) throws -> AdaptationPlan {
        let encoderURL = encoderFrom ?? decoderFrom
        guard case let .gemma2(dec) = try ModelConfigFile.load(directory: decoderFrom) else {
            throw AdaptationError.notDecoderOnly(decoderFrom)
        }
        guard case let .gemma2(enc) = try ModelConfigFile.load(directory: encoderURL) else {
            throw AdaptationError.notDecoderOnly(encoderURL)
        }
        for (config, url) in [(dec, decoderFrom), (enc, encoderURL)] where config.gemma3 != nil {
            throw AdaptationError.gemma3NotSupported(url)
        }
        guard enc.vocabSize == dec.vocabSize else {
            throw AdaptationError.vocabularyMismatch(encoder: enc.vocabSize, decoder: dec.vocabSize)
        }
        let widthsMatch = enc.hiddenSize == dec.hiddenSize
        let mode = crossAttention ?? (widthsMatch ? .copy : .random)
        if mode == .copy && !widthsMatch {
            throw AdaptationError.crossAttentionCopyNeedsEqualWidths(encoderHidden: enc.hiddenSize, decoderHidden: dec.hiddenSize)
        }
        let decReader = try CheckpointReader(directory: decoderFrom)
        let encReader = encoderURL == decoderFrom ? decReader : try CheckpointReader(directory: encoderURL)
        try WeightLayout.validate(decReader, config: .gemma2(dec))
        if encReader !== decReader { try WeightLayout.validate(encReader, config: .gemma2(enc)) }

        var decoderConfig = dec
        decoderConfig.crossAttentionHiddenSize = enc.hiddenSize
        let config = T5GemmaConfig(encoder: enc, decoder: decoderConfig, tieWordEmbeddings: true,
                                   padTokenID: dec.padTokenID, bosTokenID: dec.bosTokenID,
                                   eosTokenIDs: dec.eosTokenIDs, torchDtype: dec.torchDtype)
        let dtype = decReader.info("model.embed_tokens.weight").map(\.dtype) ?? .f32
        let layout = WeightLayout.expectedShapes(.t5gemma(config))
        let sources = AdaptationMapping(crossAttention: mode)
        try SafeTensorsWriter.writeCheckpoint(layout.map { TensorSpec(name: $0.name, dtype: dtype, shape: $0.shape) },
                                              to: out) { spec in
            let tensor: Tensor
            switch sources.source(for: spec.name) {
            case let .encoder(name): tensor = try encReader.tensor(name)
            case let .decoder(name): tensor = try decReader.tensor(name)
            case .zeros: tensor = Tensor(zeros: spec.shape, dtype: dtype)
            case .random:
                tensor = Tensor(zeros: spec.shape, dtype: dtype)
                ModelInitializer.fillNormal(tensor, std: 0.02, seed: seed ^ UInt64(truncatingIfNeeded: spec.name.hashValueStable))
            }
            try tensor.check(shape: spec.shape, spec.name)
            return tensor.dtype == dtype ? tensor : tensor.converted(to: dtype)
        }
        try AtomicFile.write(try ModelConfigFile.encode(.t5gemma(config), dtype: dtype), to: out.appendingPathComponent("config.json"))
        let generation = try GenerationConfig.load(directory: decoderFrom)
            ?? GenerationConfig(eosTokenIDs: dec.eosTokenIDs, bosTokenID: dec.bosTokenID, padTokenID: dec.padTokenID)
        try AtomicFile.write(try generation.encode(), to: out.appendingPathComponent(GenerationConfig.fileName))
        try TokenizerFiles.copy(from: decoderFrom, to: out)
        let plan = AdaptationPlan(source: decoderFrom.path, encoderSource: encoderURL.path, crossAttention: mode, seed: seed,
                                  warmupCrossAttentionSteps: mode == .random ? defaultWarmupSteps : 0)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(plan), to: out.appendingPathComponent(AdaptationPlan.fileName))
        return plan
    }
}

/// Where each T5Gemma tensor comes from (reference §1.2's table).
struct AdaptationMapping {
    enum Source: Equatable {
        case encoder(String), decoder(String), zeros, random
    }

    let crossAttention: CrossAttentionInit

    func source(for name: String) -> Source {
        if let rest = name.dropPrefix("model.encoder.") { return .encoder(gemma2Name(rest)) }
        guard let rest = name.dropPrefix("model.decoder.") else { return .zeros }
        if rest.contains(".cross_attn.") {
            return crossAttention == .copy ? .decoder(gemma2Name(rest.replacingOccurrences(of: ".cross_attn.", with: ".self_attn."))) : .random
        }
        if rest.contains("_cross_attn_layernorm") {
            // Not stated in the paper (ours): copy the self-attention norms when copying the attention,
            // zeros (scale 1 through Gemma's 1 + w) for a fresh cross-attention.
            guard crossAttention == .copy else { return .zeros }
            return .decoder(gemma2Name(rest.replacingOccurrences(of: "_cross_attn_layernorm", with: "_self_attn_layernorm")))
        }
        return .decoder(gemma2Name(rest))
    }

    /// T5Gemma stack-relative name -> Gemma 2 name.
    private func gemma2Name(_ rest: String) -> String {
        let renamed = rest
            .replacingOccurrences(of: "pre_self_attn_layernorm", with: "input_layernorm")
            .replacingOccurrences(of: "post_self_attn_layernorm", with: "post_attention_layernorm")
        return "model." + renamed
    }
}

private extension String {
    func dropPrefix(_ prefix: String) -> String? { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil }

    /// FNV-1a, stable across runs (Swift's hashValue is randomly seeded per process).
    var hashValueStable: UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
