import Engine
import Foundation

/// What `duet inspect` reports about a model directory, read from config.json and the safetensors
/// headers only (no weights are touched, so listing many models is fast).
package struct ModelFacts: Equatable {
    package var architecture: ModelArchitecture
    package var modelType: String
    package var parameters: Int
    /// "2" for a decoder-only model, "2 + 2" (encoder + decoder) for an encoder-decoder.
    package var layers: String
    /// The dtype holding most parameters ("bf16").
    package var dtype: String
    package var vocabularySize: Int
    var maxPositions: Int
    /// Weights made by `duet init` (or adapted from such weights): not a trained model.
    package var isRandom: Bool
    /// Prompts the model is known to answer (from duet_model.json), suggested by an empty chat.
    package var examples: [String] = []
    /// Set when the weights do not match config.json (the model cannot load).
    package var problem: String?
    /// The full `duet inspect` text, one line per entry.
    package var inspectLines: [String]

    /// Reads the facts of `directory`; throws the config or checkpoint error that makes it unusable.
    package static func read(_ directory: URL) throws -> ModelFacts {
        let config = try ModelConfigFile.load(directory: directory)
        let reader = try CheckpointReader(directory: directory)
        var problem: String?
        do { try WeightLayout.validate(reader, config: config) } catch { problem = "\(error)" }
        let summary = ModelSummary(directory: directory, config: config, reader: reader,
                                   generation: try? GenerationConfig.load(directory: directory), problem: problem)
        let architecture: ModelArchitecture
        let layers: String
        let vocabulary: Int, positions: Int
        switch config {
        case let .gemma2(c):
            architecture = .decoderOnly
            layers = "\(c.numLayers)"
            vocabulary = c.vocabSize
            positions = c.maxPositionEmbeddings
        case let .t5gemma(c):
            architecture = .encoderDecoder
            layers = "\(c.encoder.numLayers) + \(c.decoder.numLayers)"
            vocabulary = c.decoder.vocabSize
            positions = c.decoder.maxPositionEmbeddings
        }
        let dtype = (summary.dtypes.max { $0.parameters < $1.parameters }?.name ?? config.torchDtype?.torchName ?? "?").lowercased()
        var lines = summary.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let provenance = ModelProvenance.read(directory)
        if let provenance {
            lines.append("provenance".padding(toLength: 16, withPad: " ", startingAt: 0)
                         + (provenance.isRandom ? "RANDOM WEIGHTS (untrained), " : "") + "made by \(provenance.createdBy)")
        }
        return ModelFacts(architecture: architecture, modelType: config.modelType, parameters: summary.counts.total,
                          layers: layers, dtype: dtype, vocabularySize: vocabulary, maxPositions: positions,
                          isRandom: provenance?.isRandom ?? false, examples: provenance?.examples ?? [], problem: problem,
                          inspectLines: lines)
    }

    /// "139.8K", "2.61B": parameter counts at a glance.
    package static func shortCount(_ n: Int) -> String {
        switch n {
        case 1_000_000_000...: return String(format: "%.2fB", Double(n) / 1e9)
        case 1_000_000...: return String(format: "%.1fM", Double(n) / 1e6)
        case 1_000...: return String(format: "%.1fK", Double(n) / 1e3)
        default: return "\(n)"
        }
    }

    /// "decoder-only" / "enc-dec" (short, for columns).
    package var shortArchitecture: String { architecture == .decoderOnly ? "decoder-only" : "enc-dec" }
}
