#if canImport(Glibc)
import Glibc
#endif

/// Random initialisation as Hugging Face's `_init_weights` does it for Gemma 2 / T5Gemma:
/// every matrix (and the embeddings) ~ N(0, initializerRange), every RMSNorm weight 0 (scale 1),
/// the padding row of each embedding 0. Seeded and reproducible; parallel over chunks with one
/// generator per chunk, so the result does not depend on the thread count.
public enum ModelInitializer {
    /// Fills `layout` with fresh tensors of `dtype`.
    public static func randomParameters(layout: [(name: String, shape: [Int])], dtype: DType, seed: UInt64,
                                        initializerRange: Float = 0.02, paddingID: Int? = 0) -> [(name: String, tensor: Tensor)] {
        layout.enumerated().map { index, entry in
            let t = Tensor(zeros: entry.shape, dtype: dtype)
            if !entry.name.hasSuffix("norm.weight") && !entry.name.hasSuffix("layernorm.weight") {
                fillNormal(t, std: initializerRange, seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
                if entry.name.hasSuffix("embed_tokens.weight"), let pad = paddingID, pad < entry.shape[0] {
                    t.rows(pad..<pad + 1).zero()
                }
            }
            return (entry.name, t)
        }
    }

    /// Fills `tensor` with N(0, std²) samples (Box-Muller), converted to its dtype.
    public static func fillNormal(_ tensor: Tensor, std: Float, seed: UInt64) {
        let chunk = 1 << 16
        let chunks = (tensor.count + chunk - 1) / chunk
        EngineThreads.parallelFor(chunks) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: chunk) { buffer in
                for c in range {
                    var rng = SeededGenerator(seed: seed ^ (UInt64(c) &* 0xD1B5_4A32_D192_ED03))
                    let start = c * chunk, n = min(chunk, tensor.count - start)
                    var i = 0
                    while i < n {
                        let u1 = max(Float(rng.next() >> 40) * 0x1p-24, 0x1p-25), u2 = Float(rng.next() >> 40) * 0x1p-24
                        let r = std * (-2 * logf(u1)).squareRoot()
                        buffer[i] = r * cosf(2 * .pi * u2)
                        if i + 1 < n { buffer[i + 1] = r * sinf(2 * .pi * u2) }
                        i += 2
                    }
                    HalfPrecision.narrow(buffer.baseAddress!, into: tensor.raw + start * tensor.dtype.byteSize,
                                         dtype: tensor.dtype, count: n)
                }
            }
        }
    }
}

import DuetCore
import Foundation
import Tokenizers

extension ModelInitializer {
    /// Writes a randomly initialised model in Hugging Face layout: `config.json`,
    /// `generation_config.json`, weights (sharded above 4 GiB), one tensor generated at a time so a
    /// 2B model never needs its full size in memory twice.
    /// `stopTokens` are added to generation_config.json's `eos_token_id` (as Gemma's instruction-tuned
    /// releases list `<end_of_turn>` there), so other tools stop where Duet stops.
    public static func writeRandomModel(_ config: ModelConfig, dtype: DType, seed: UInt64, to directory: URL,
                                        stopTokens: [TokenID] = []) throws {
        let layout = WeightLayout.expectedShapes(config)
        let (pad, eos, bos) = (Int(config.padTokenID), config.eosTokenIDs, config.bosTokenID)
        let index = Dictionary(uniqueKeysWithValues: layout.enumerated().map { ($1.name, $0) })
        let vision = T5Gemma2VisionPlaceholder.layout(for: config)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try SafeTensorsWriter.writeCheckpoint((layout + vision).map { TensorSpec(name: $0.name, dtype: dtype, shape: $0.shape) },
                                              to: directory) { spec in
            guard let i = index[spec.name] else { return Tensor(zeros: spec.shape, dtype: dtype) }  // the placeholder tower
            return randomParameters(layout: [layout[i]], dtype: dtype, seed: seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15,
                                    paddingID: pad)[0].tensor
        }
        try AtomicFile.write(try ModelConfigFile.encode(config, dtype: dtype), to: directory.appendingPathComponent("config.json"))
        let generation = GenerationConfig(eosTokenIDs: eos + stopTokens.filter { !eos.contains($0) }, bosTokenID: bos,
                                          padTokenID: TokenID(pad))
        try AtomicFile.write(try generation.encode(), to: directory.appendingPathComponent(GenerationConfig.fileName))
    }
}
