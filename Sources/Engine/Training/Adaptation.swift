import DuetCore
import Foundation
import Tokenizers

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
    /// One source is Gemma 2 and the other Gemma 3: they adapt to different architectures.
    case mixedFamilies(encoder: URL, decoder: URL)
    /// T5Gemma 2's merged attention reads the encoder with the decoder's own projections.
    case t5gemma2NeedsEqualWidths(encoderHidden: Int, decoderHidden: Int)
    case vocabularyMismatch(encoder: Int, decoder: Int)
    case crossAttentionCopyNeedsEqualWidths(encoderHidden: Int, decoderHidden: Int)
    /// `--cross-attn random` asked of a T5Gemma 2, which has no cross-attention weights.
    case noCrossAttentionInT5Gemma2

    public var description: String {
        switch self {
        case let .notDecoderOnly(url): "\(url.path) is not a decoder-only Gemma 2 or Gemma 3 text model (model_type gemma2 or gemma3_text)"
        case let .mixedFamilies(e, d):
            "\(e.path) and \(d.path) are not both Gemma 2 or both Gemma 3 (Gemma 2 adapts to T5Gemma, Gemma 3 to T5Gemma 2)"
        case let .t5gemma2NeedsEqualWidths(e, d):
            "T5Gemma 2 needs equally wide encoder and decoder (hidden \(e) vs \(d)): its merged attention projects the "
                + "encoder output with the decoder's own k/v weights"
        case let .vocabularyMismatch(e, d):
            "encoder and decoder sources have different vocabularies (\(e) vs \(d)); they must share a tokenizer"
        case .noCrossAttentionInT5Gemma2:
            "a T5Gemma 2 has no cross-attention weights to initialise (its decoder merges the encoder into self-attention)"
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
/// A Gemma 3 text source becomes a T5Gemma 2 (equal widths): both stacks start from it, merged
/// attention needs no new weights, one shared embedding table plus the eoi vector.
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
        guard (enc.gemma3 == nil) == (dec.gemma3 == nil) else { throw AdaptationError.mixedFamilies(encoder: encoderURL, decoder: decoderFrom) }
        guard enc.vocabSize == dec.vocabSize else {
            throw AdaptationError.vocabularyMismatch(encoder: enc.vocabSize, decoder: dec.vocabSize)
        }
        let widthsMatch = enc.hiddenSize == dec.hiddenSize
        // Gemma 3 -> T5Gemma 2: merged attention needs no new weights (the decoder's self-attention
        // reads the encoder through its own projections), so there is nothing to copy or draw.
        let t5gemma2 = dec.gemma3 != nil
        if t5gemma2 && !widthsMatch {
            throw AdaptationError.t5gemma2NeedsEqualWidths(encoderHidden: enc.hiddenSize, decoderHidden: dec.hiddenSize)
        }
        if t5gemma2 && crossAttention == .random { throw AdaptationError.noCrossAttentionInT5Gemma2 }
        let mode = crossAttention ?? (widthsMatch ? .copy : .random)
        if mode == .copy && !widthsMatch {
            throw AdaptationError.crossAttentionCopyNeedsEqualWidths(encoderHidden: enc.hiddenSize, decoderHidden: dec.hiddenSize)
        }
        let decReader = try CheckpointReader(directory: decoderFrom)
        let encReader = encoderURL == decoderFrom ? decReader : try CheckpointReader(directory: encoderURL)
        try WeightLayout.validate(decReader, config: .gemma2(dec))
        if encReader !== decReader { try WeightLayout.validate(encReader, config: .gemma2(enc)) }

        var decoderConfig = dec
        decoderConfig.crossAttentionHiddenSize = t5gemma2 ? nil : enc.hiddenSize
        let config = T5GemmaConfig(encoder: enc, decoder: decoderConfig, tieWordEmbeddings: true,
                                   padTokenID: dec.padTokenID, bosTokenID: dec.bosTokenID,
                                   eosTokenIDs: dec.eosTokenIDs, torchDtype: dec.torchDtype,
                                   t5gemma2: t5gemma2 ? T5Gemma2Text() : nil)
        let dtype = decReader.info("model.embed_tokens.weight").map(\.dtype) ?? .f32
        // A T5Gemma 2 also gets the zero placeholder vision tower transformers expects.
        let layout = WeightLayout.expectedShapes(.t5gemma(config)) + T5Gemma2VisionPlaceholder.layout(for: .t5gemma(config))
        let sources = AdaptationMapping(crossAttention: mode)
        try SafeTensorsWriter.writeCheckpoint(layout.map { TensorSpec(name: $0.name, dtype: dtype, shape: $0.shape) },
                                              to: out) { spec in
            let tensor: Tensor
            switch sources.source(for: spec.name) {
            case let .encoder(name): tensor = try encReader.tensor(name)
            case let .decoder(name): tensor = try decReader.tensor(name)
            case .zeros: tensor = Tensor(zeros: spec.shape, dtype: dtype)
            case .eoiEmbedding: tensor = try eoiEmbedding(encReader, config: config, dtype: dtype)
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

extension Adaptation {
    /// T5Gemma 2's eoi vector from a text-only Gemma 3: the source embeds that token as its scaled
    /// table row, and T5Gemma 2 puts the vector in unscaled, so the row times `sqrt(d)` keeps the
    /// token's embedding as it was. Zeros when the vocabulary has no such token (Duet's small models).
    static func eoiEmbedding(_ reader: CheckpointReader, config: T5GemmaConfig, dtype: DType) throws -> Tensor {
        let d = config.encoder.hiddenSize, vector = Tensor(zeros: [d], dtype: .f32)
        let eoi = Int(config.t5gemma2?.eoiTokenIndex ?? -1)
        if eoi >= 0 && eoi < config.encoder.vocabSize {
            let table = try reader.tensor("model.embed_tokens.weight")
            let scale = GemmaStack.embedScale(hidden: d, table: table.dtype)
            _ = Embedding.forward(ids: [Int32(eoi)], count: 1, table: table, scale: scale, into: vector.f32)
        }
        return vector.dtype == dtype ? vector : vector.converted(to: dtype)
    }
}

/// Where each T5Gemma tensor comes from (reference §1.2's table).
struct AdaptationMapping {
    enum Source: Equatable {
        case encoder(String), decoder(String), zeros, random
        /// T5Gemma 2's eoi vector (see ``Adaptation/eoiEmbedding(_:config:dtype:)``).
        case eoiEmbedding
    }

    let crossAttention: CrossAttentionInit

    func source(for name: String) -> Source {
        if name == "model.encoder.embed_tokens.eoi_embedding" { return .eoiEmbedding }
        if T5Gemma2Text.visionPrefixes.contains(where: name.hasPrefix) { return .zeros }
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
