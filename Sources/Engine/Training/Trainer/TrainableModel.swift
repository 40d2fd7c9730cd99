import Tokenizers
/// A model being trained, whichever its architecture: routes batches to `Gemma2Model` or
/// `T5GemmaModel` and keeps activations for each batch shape it has seen (allocated once, reused
/// every step).
public final class TrainableModel: @unchecked Sendable {
    public enum Architecture: Sendable {
        case decoderOnly(Gemma2Model)
        case encoderDecoder(T5GemmaModel)
    }

    public let architecture: Architecture
    /// Activations of the last two shapes (training and validation batches; see ``ActivationCache``).
    private var decoderOnlyActivations = ActivationCache<Shape, Gemma2Model.Activations>(capacity: 2)
    private var encoderDecoderActivations = ActivationCache<Shape, T5GemmaModel.Activations>(capacity: 2)

    struct Shape: Hashable {
        var batch, encoderLength, decoderLength: Int
        var training: Bool
    }

    /// Wraps `model` (a `Gemma2Model` or `T5GemmaModel`), whose parameters must be a trainable flat f32 copy.
    public init(_ model: any LanguageModel) throws {
        if let m = model as? Gemma2Model {
            architecture = .decoderOnly(m)
        } else if let m = model as? T5GemmaModel {
            architecture = .encoderDecoder(m)
        } else {
            throw TrainingError.invalidConfiguration(field: "model", reason: "only Gemma 2 and T5Gemma models can be trained")
        }
        guard parameters.flat != nil else { throw TrainingError.notTrainable }
    }

    public var parameters: ParameterStore {
        switch architecture {
        case let .decoderOnly(m): m.parameters
        case let .encoderDecoder(m): m.parameters
        }
    }

    public var config: ModelConfig {
        switch architecture {
        case let .decoderOnly(m): .gemma2(m.config)
        case let .encoderDecoder(m): .t5gemma(m.config)
        }
    }

    /// Every block's names in the order the backward finishes them: the (decoder's) last block first,
    /// then for an encoder-decoder the encoder's, last first.
    public var blocksInBackwardOrder: [BlockNames] {
        switch architecture {
        case let .decoderOnly(m): m.stack.names.blocks.reversed()
        case let .encoderDecoder(m): m.decoder.names.blocks.reversed() + m.encoder.names.blocks.reversed()
        }
    }

    public var isEncoderDecoder: Bool {
        if case .encoderDecoder = architecture { return true }
        return false
    }

    /// Vocabulary of the (decoder) LM head.
    public var vocabularySize: Int {
        switch architecture {
        case let .decoderOnly(m): m.config.vocabSize
        case let .encoderDecoder(m): m.config.decoder.vocabSize
        }
    }

    /// Checks that `batch` suits this model: an encoder input exactly for encoder-decoder models (with
    /// segments exactly when the decoder input has them), targets for every decoder row, token ids
    /// inside the vocabularies.
    public func validate(_ batch: TrainingBatch) throws {
        let rows = batch.decoderInput.batch * batch.decoderInput.length
        guard batch.targets.count == rows else {
            throw TrainingError.invalidBatch("\(batch.targets.count) targets for \(rows) decoder positions")
        }
        switch architecture {
        case let .decoderOnly(m):
            guard batch.encoderInput == nil else {
                throw TrainingError.invalidBatch("a decoder-only model takes no encoder input (use an encoder-decoder model or the decoder-only data layout)")
            }
            try Self.checkIDs(batch.decoderInput.ids, vocab: m.config.vocabSize, what: "input")
        case let .encoderDecoder(m):
            guard let encoder = batch.encoderInput else {
                throw TrainingError.invalidBatch("an encoder-decoder model needs an encoder input")
            }
            guard encoder.batch == batch.decoderInput.batch else {
                throw TrainingError.invalidBatch("encoder batch \(encoder.batch) differs from decoder batch \(batch.decoderInput.batch)")
            }
            guard (encoder.segments == nil) == (batch.decoderInput.segments == nil) else {
                throw TrainingError.invalidBatch("packed rows need document segments on both the encoder and the decoder input")
            }
            try Self.checkIDs(encoder.ids, vocab: m.config.encoder.vocabSize, what: "encoder input")
            try Self.checkIDs(batch.decoderInput.ids, vocab: m.config.decoder.vocabSize, what: "decoder input")
        }
        for t in batch.targets where t != -100 && (t < 0 || Int(t) >= vocabularySize) {
            throw TrainingError.invalidBatch("target id \(t) outside the vocabulary (0..<\(vocabularySize))")
        }
    }

    private static func checkIDs(_ ids: [TokenID], vocab: Int, what: String) throws {
        for id in ids where id < 0 || Int(id) >= vocab {
            throw TrainingError.invalidBatch("\(what) token id \(id) outside the vocabulary (0..<\(vocab))")
        }
    }

    /// Forward (and with `grads`, backward) of one batch; loss sums over its counted targets.
    public func loss(_ batch: TrainingBatch, targets: LossTargets, grads: GradientStore?) -> LossSums {
        switch architecture {
        case let .decoderOnly(m):
            let acts = decoderOnly(m, batch, training: grads != nil)
            return m.trainingLoss(batch.decoderInput, targets: targets, acts, grads: grads)
        case let .encoderDecoder(m):
            let acts = encoderDecoder(m, batch, training: grads != nil)
            return m.trainingLoss(encoderInput: batch.encoderInput!, decoderInput: batch.decoderInput, targets: targets,
                                  acts, grads: grads)
        }
    }

    /// Hard-target loss sums and the number of targets that are the logits' arg-max.
    public func evaluate(_ batch: TrainingBatch) -> (sums: LossSums, correct: Int) {
        let sums = loss(batch, targets: LossTargets(hard: batch.targets), grads: nil)
        let rows = batch.decoderInput.batch * batch.decoderInput.length
        let logits: Tensor
        switch architecture {
        case let .decoderOnly(m): logits = decoderOnly(m, batch, training: false).logits
        case let .encoderDecoder(m): logits = encoderDecoder(m, batch, training: false).logits
        }
        let correct = LanguageModelHead.correctPredictions(logits: logits.f32, rows: rows, vocab: vocabularySize,
                                                           targets: batch.targets)
        return (sums, correct)
    }

    private func decoderOnly(_ m: Gemma2Model, _ batch: TrainingBatch, training: Bool) -> Gemma2Model.Activations {
        let shape = Shape(batch: batch.decoderInput.batch, encoderLength: 0, decoderLength: batch.decoderInput.length,
                          training: training)
        return decoderOnlyActivations.value(for: shape) {
            m.makeActivations(batch: shape.batch, length: shape.decoderLength, training: training)
        }
    }

    private func encoderDecoder(_ m: T5GemmaModel, _ batch: TrainingBatch, training: Bool) -> T5GemmaModel.Activations {
        let shape = Shape(batch: batch.decoderInput.batch, encoderLength: batch.encoderInput!.length,
                          decoderLength: batch.decoderInput.length, training: training)
        return encoderDecoderActivations.value(for: shape) {
            m.makeActivations(batch: shape.batch, encoderLength: shape.encoderLength, decoderLength: shape.decoderLength,
                              training: training)
        }
    }

    /// The batch shapes whose activations are kept, least recently used first.
    var cachedShapes: [Shape] { decoderOnlyActivations.keys + encoderDecoderActivations.keys }

    /// Frees the activations kept for every batch shape (e.g. after evaluation batches of an odd shape).
    public func releaseActivations() {
        decoderOnlyActivations.removeAll()
        encoderDecoderActivations.removeAll()
    }
}
