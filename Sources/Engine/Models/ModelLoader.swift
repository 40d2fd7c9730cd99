import Foundation
import Tokenizers

/// A model directory opened for use: its config, weights, tokenizer and generation defaults.
public struct LoadedModel: @unchecked Sendable {
    public let directory: URL
    public let config: ModelConfig
    /// Either a `Gemma2Model` or a `T5GemmaModel`.
    public let model: any LanguageModel
    public let tokenizer: (any Tokenizer)?
    public let generationConfig: GenerationConfig?

    /// End-of-sequence ids to stop on: the generation config's (1 and 107 for IT models), else the
    /// model config's, plus `<end_of_turn>` when the tokenizer has it (IT models end turns with it).
    public var stopTokens: Set<TokenID> {
        var ids = Set(generationConfig?.eosTokenIDs ?? [])
        ids.formUnion(config.eosTokenIDs)
        if let endOfTurn = tokenizer?.id(forPiece: "<end_of_turn>") { ids.insert(endOfTurn) }
        return ids
    }

    /// The `<bos>` id the encoder/decoder-only prompt starts with.
    public var bosTokenID: TokenID { config.bosTokenID }
}

/// How weights are held in memory for inference, whatever the file stores.
public enum WeightQuantization: String, Sendable, CaseIterable, Codable {
    /// Blockwise int8 (``Q8``), quantized at load from f32/bf16/f16 matrices.
    case int8
}

/// Opens Hugging Face model directories.
public enum ModelLoader {
    /// Reads `config.json`, validates every tensor's presence and shape, and builds the model over the
    /// memory-mapped weights (inference: matrices stay in their file dtype, or become int8 with
    /// `quantization`) or over an f32 copy (`trainable`: one flat buffer the optimizer updates).
    /// Matrices a checkpoint stores packed in panels (`duet convert --layout panels`, ``PanelsMetadata``)
    /// are used packed straight from the mapping for inference, and unpacked for training or int8.
    /// `packBF16` (inference): also pack the row-major bf16 matrices into panels here (see ``TensorLayout``),
    /// read by one kernel at every row count. Off by default: it decodes faster (0.94 instead of 0.77 of
    /// the bandwidth bound at Gemma 2 2B shapes) but copies every weight into fresh memory at load, which
    /// on the 2-core VM took 19 s for a 2B model where mapping a packed file takes milliseconds
    /// (docs/bf16-panels.md).
    public static func load(directory: URL, trainable: Bool = false, quantization: WeightQuantization? = nil,
                            packBF16: Bool = false) throws -> LoadedModel {
        let config = try ModelConfigFile.load(directory: directory)
        let reader = try CheckpointReader(directory: directory)
        try WeightLayout.validate(reader, config: config)
        let layout = WeightLayout.expectedShapes(config)
        let named = try layout.map { (name: $0.name, tensor: try reader.tensor($0.name)) }
        if trainable && (quantization != nil || named.contains { $0.tensor.dtype == .i8 }) {
            throw ModelLoadError.quantizedNotTrainable(directory: directory.path)
        }
        let parameters = trainable ? ParameterStore(trainableCopyOf: named) : ParameterStore(named)
        if quantization == .int8 { parameters.quantizeMatrices() }
        if !trainable && packBF16 { parameters.packBF16Matrices() }
        return LoadedModel(directory: directory, config: config, model: config.makeModel(parameters: parameters),
                           tokenizer: try TokenizerLoader.load(directory: directory),
                           generationConfig: try GenerationConfig.load(directory: directory))
    }
}

/// Why a model directory cannot be opened the way it was asked for.
public enum ModelLoadError: Error, CustomStringConvertible, Equatable {
    case quantizedNotTrainable(directory: String)

    public var description: String {
        switch self {
        case let .quantizedNotTrainable(directory):
            "\(directory): int8 weights are for inference; train from the bf16 or f32 checkpoint"
        }
    }
}
