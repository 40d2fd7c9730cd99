import Foundation

/// The tensors a config implies, with Hugging Face names and PyTorch shapes ([out, in], row-major;
/// t5gemma-reference.md §2.5, §3.2), and the check that a checkpoint holds exactly those.
public enum WeightLayout {
    /// Every tensor name a model of this config must have, with its shape, in module order. No LM
    /// head when embeddings are tied (transformers does not store it).
    public static func expectedShapes(_ config: ModelConfig) -> [(name: String, shape: [Int])] {
        switch config {
        case let .gemma2(c):
            var out: [(name: String, shape: [Int])] = [("model.embed_tokens.weight", [c.vocabSize, c.hiddenSize])]
            for i in 0..<c.numLayers {
                let p = "model.layers.\(i)."
                let d = c.hiddenSize
                out.append((p + "input_layernorm.weight", [d]))
                out += attention(p + "self_attn.", c, inputWidth: d)
                out.append((p + "post_attention_layernorm.weight", [d]))
                out.append((p + "pre_feedforward_layernorm.weight", [d]))
                out += mlp(p, c)
                out.append((p + "post_feedforward_layernorm.weight", [d]))
            }
            out.append(("model.norm.weight", [c.hiddenSize]))
            if !c.tieWordEmbeddings { out.append(("lm_head.weight", [c.vocabSize, c.hiddenSize])) }
            return out
        case let .t5gemma(c) where c.t5gemma2 != nil:
            // One table for both stacks and the head (the decoder's and the head's are not stored).
            var out = stack("model.encoder.", c.encoder, crossWidth: nil)
            out.insert(("model.encoder.embed_tokens.eoi_embedding", [c.encoder.hiddenSize]), at: 1)
            out += stack("model.decoder.", c.decoder, crossWidth: nil).filter { !$0.name.hasSuffix("embed_tokens.weight") }
            return out
        case let .t5gemma(c):
            var out = stack("model.encoder.", c.encoder, crossWidth: nil)
            out += stack("model.decoder.", c.decoder, crossWidth: c.decoder.crossAttentionHiddenSize ?? c.encoder.hiddenSize)
            if !c.tieWordEmbeddings { out.append(("lm_head.out_proj.weight", [c.decoder.vocabSize, c.decoder.hiddenSize])) }
            return out
        }
    }

    /// One T5Gemma stack; the decoder (`crossWidth` set) adds cross-attention reading that width.
    private static func stack(_ prefix: String, _ c: Gemma2Config, crossWidth: Int?) -> [(name: String, shape: [Int])] {
        let d = c.hiddenSize
        var out: [(name: String, shape: [Int])] = [(prefix + "embed_tokens.weight", [c.vocabSize, d])]
        for i in 0..<c.numLayers {
            let p = prefix + "layers.\(i)."
            out.append((p + "pre_self_attn_layernorm.weight", [d]))
            out += attention(p + "self_attn.", c, inputWidth: d)
            out.append((p + "post_self_attn_layernorm.weight", [d]))
            if let crossWidth {
                out.append((p + "pre_cross_attn_layernorm.weight", [d]))
                out += attention(p + "cross_attn.", c, inputWidth: crossWidth)
                out.append((p + "post_cross_attn_layernorm.weight", [d]))
            }
            out.append((p + "pre_feedforward_layernorm.weight", [d]))
            out += mlp(p, c)
            out.append((p + "post_feedforward_layernorm.weight", [d]))
        }
        out.append((prefix + "norm.weight", [d]))
        return out
    }

    /// q/k/v/o projections; keys and values read `inputWidth` (the encoder's width for cross-attention).
    /// Gemma 3 adds the per-head query and key norms.
    private static func attention(_ p: String, _ c: Gemma2Config, inputWidth: Int) -> [(name: String, shape: [Int])] {
        [(p + "q_proj.weight", [c.qDim, c.hiddenSize]),
         (p + "k_proj.weight", [c.kvDim, inputWidth]),
         (p + "v_proj.weight", [c.kvDim, inputWidth]),
         (p + "o_proj.weight", [c.hiddenSize, c.qDim])]
            + (c.gemma3 == nil ? [] : [(p + "q_norm.weight", [c.headDim]), (p + "k_norm.weight", [c.headDim])])
    }

    private static func mlp(_ p: String, _ c: Gemma2Config) -> [(name: String, shape: [Int])] {
        [(p + "mlp.gate_proj.weight", [c.intermediateSize, c.hiddenSize]),
         (p + "mlp.up_proj.weight", [c.intermediateSize, c.hiddenSize]),
         (p + "mlp.down_proj.weight", [c.hiddenSize, c.intermediateSize])]
    }

    /// The LM head (and T5Gemma 2's decoder embedding) some exporters store although tied to the
    /// embedding; transformers ignores them, and so does Duet (after checking their shapes).
    private static func tiedCopies(_ config: ModelConfig) -> [(name: String, shape: [Int])] {
        switch config {
        case let .gemma2(c): return c.tieWordEmbeddings ? [("lm_head.weight", [c.vocabSize, c.hiddenSize])] : []
        case let .t5gemma(c):
            guard c.tieWordEmbeddings else { return [] }
            let head = ("lm_head.out_proj.weight", [c.decoder.vocabSize, c.decoder.hiddenSize])
            guard c.t5gemma2 != nil else { return [head] }
            return [head, ("model.decoder.embed_tokens.weight", [c.decoder.vocabSize, c.decoder.hiddenSize]),
                    ("model.decoder.embed_tokens.eoi_embedding", [c.decoder.hiddenSize])]
        }
    }

    /// Tensors of a checkpoint that Duet does not run and does not load: T5Gemma 2's vision tower and
    /// projector (Duet runs its text part).
    public static func skippedTensors(_ reader: CheckpointReader, config: ModelConfig) -> [String] {
        guard case let .t5gemma(c) = config, c.t5gemma2 != nil else { return [] }
        return reader.parameterNames.filter { name in T5Gemma2Text.visionPrefixes.contains { name.hasPrefix($0) } }
    }

    /// Throws unless the checkpoint holds exactly the tensors the config implies: first naming all
    /// missing tensors, then all unexpected ones, then the first unreadable dtype or wrong shape.
    public static func validate(_ reader: CheckpointReader, config: ModelConfig) throws {
        var expected = expectedShapes(config)
        let missing = expected.map(\.name).filter { !reader.contains($0) }
        if !missing.isEmpty { throw CheckpointError.missingTensors(missing, directory: reader.directory.path) }
        expected += tiedCopies(config).filter { reader.contains($0.name) }
        let expectedNames = Set(expected.map(\.name)).union(skippedTensors(reader, config: config))
        let unexpected = reader.parameterNames.filter { !expectedNames.contains($0) }
        if !unexpected.isEmpty { throw CheckpointError.unexpectedTensors(unexpected, directory: reader.directory.path) }
        for (name, shape) in expected {
            let entry = reader.entry(name)!
            guard entry.dtype != nil else {
                throw CheckpointError.unsupportedDType(file: reader.file(containing: name)!.url.path, tensor: name, dtype: entry.dtypeName)
            }
            guard entry.shape == shape else { throw CheckpointError.shapeMismatch(tensor: name, expected: shape, actual: entry.shape) }
            if entry.dtype == .i8 { _ = try reader.tensor(name) }  // its scales exist and fit
        }
    }
}

/// How a checkpoint's parameters split between the parts of the model.
public struct ParameterCounts: Sendable, Equatable {
    /// Encoder parameters other than its embedding (zero for decoder-only models).
    public var encoder: Int
    /// Decoder (or decoder-only body) parameters other than embeddings and LM head.
    public var decoder: Int
    /// Token embeddings and any stored LM head.
    public var embeddings: Int
    public var total: Int { encoder + decoder + embeddings }

    public init(encoder: Int, decoder: Int, embeddings: Int) {
        self.encoder = encoder
        self.decoder = decoder
        self.embeddings = embeddings
    }

    /// Counts the tensors of `reader` by name (a T5Gemma 2 vision tower, which Duet does not load, is
    /// not counted).
    public init(_ reader: CheckpointReader) {
        encoder = 0
        decoder = 0
        embeddings = 0
        for name in reader.parameterNames where !T5Gemma2Text.visionPrefixes.contains(where: { name.hasPrefix($0) }) {
            let n = reader.entry(name)!.count
            if name.hasSuffix("embed_tokens.weight") || name.hasSuffix("embed_tokens.eoi_embedding") || name.hasPrefix("lm_head.") {
                embeddings += n
            } else if name.hasPrefix("model.encoder.") {
                encoder += n
            } else {
                decoder += n
            }
        }
    }
}
