import Tokenizers
/// A T5Gemma encoder-decoder model (`T5GemmaForConditionalGeneration`): a bidirectional Gemma 2
/// encoder with its own embedding, and a Gemma 2 decoder whose blocks add cross-attention (no RoPE,
/// never sliding) over the encoder output; LM head tied to the decoder embedding, final soft-cap.
/// With `config.t5gemma2`, a T5Gemma 2 model (`T5Gemma2ForConditionalGeneration`, text part): Gemma 3
/// stacks, merged attention in the decoder, one embedding table for both stacks and the head
/// (see ``T5Gemma2Text``).
public final class T5GemmaModel: @unchecked Sendable {
    public let config: T5GemmaConfig
    public let parameters: ParameterStore
    let encoder: GemmaStack
    let decoder: GemmaStack
    /// Each stack's weights, resolved once (after the norms are widened).
    let encoderWeights: StackWeights
    let decoderWeights: StackWeights

    public init(config: T5GemmaConfig, parameters: ParameterStore) {
        self.config = config
        self.parameters = parameters
        let v2 = config.t5gemma2
        let encNames = v2 != nil ? StackNames.t5gemma2(stack: "encoder", layers: config.encoder.numLayers)
            : StackNames.t5gemma(stack: "encoder", layers: config.encoder.numLayers, crossAttention: false)
        let decNames = v2 != nil ? StackNames.t5gemma2(stack: "decoder", layers: config.decoder.numLayers)
            : StackNames.t5gemma(stack: "decoder", layers: config.decoder.numLayers, crossAttention: true)
        encoder = GemmaStack(config: config.encoder, names: encNames, causal: false, crossAttention: false, t5gemma2: v2)
        decoder = GemmaStack(config: config.decoder, names: decNames, causal: true, crossAttention: v2 == nil, t5gemma2: v2)
        let norms = Set(encNames.norms + decNames.norms)
        parameters.widenToF32 { norms.contains($0) }
        encoderWeights = StackWeights(encNames, in: parameters)
        decoderWeights = StackWeights(decNames, in: parameters)
    }

    /// Every parameter name with its shape, in checkpoint order (no `lm_head` when tied).
    public static func layout(_ config: T5GemmaConfig) -> [(name: String, shape: [Int])] {
        WeightLayout.expectedShapes(.t5gemma(config))
    }

    /// The LM-head table: the decoder embedding when tied (every released T5Gemma), else `lm_head.out_proj.weight`.
    public var decoderEmbeddingTable: Tensor {
        config.tieWordEmbeddings ? parameters[decoder.names.embedding] : parameters["lm_head.out_proj.weight"]
    }

    // MARK: Batched forward / backward

    /// Activations for one (encoder length, decoder length, batch) shape; reuse across steps.
    public final class Activations {
        let encoder: StackActivations
        let decoder: StackActivations
        /// Final (soft-capped) decoder logits `[batch * decoderLength, V]`.
        public let logits: Tensor
        let dLogits: Tensor

        init(model: T5GemmaModel, batch: Int, encoderLength: Int, decoderLength: Int, training: Bool,
             logits keepLogits: Bool = true) {
            encoder = StackActivations(stack: model.encoder, batch: batch, length: encoderLength, training: training)
            decoder = StackActivations(stack: model.decoder, batch: batch, length: decoderLength, crossLength: encoderLength,
                                       training: training)
            let rows = batch * decoderLength, v = model.config.decoder.vocabSize
            logits = keepLogits ? Tensor(zeros: [rows, v]) : Tensor(zeros: [0])
            dLogits = training ? Tensor(zeros: [rows, v]) : Tensor(zeros: [0])
        }

        /// The encoder's final-normed output `[batch * encoderLength, dE]` of the last forward.
        public var encoderOutput: UnsafePointer<Float> { UnsafePointer(encoder.output) }
    }

    /// Activations for one batch shape; `training: false` keeps only what a forward needs (no
    /// backward state; memory linear in both lengths).
    public func makeActivations(batch: Int, encoderLength: Int, decoderLength: Int, training: Bool = true) -> Activations {
        Activations(model: self, batch: batch, encoderLength: encoderLength, decoderLength: decoderLength, training: training)
    }

    /// Inference activations without the `[rows, V]` logits: ``forwardHidden(encoderInput:decoderInput:_:)``,
    /// then ``logits(rows:_:into:)`` a few rows at a time.
    public func makeHiddenActivations(batch: Int, encoderLength: Int, decoderLength: Int) -> Activations {
        Activations(model: self, batch: batch, encoderLength: encoderLength, decoderLength: decoderLength, training: false,
                    logits: false)
    }

    /// Encoder then decoder forward, without the LM head.
    public func forwardHidden(encoderInput: TokenBatch, decoderInput: TokenBatch, _ acts: Activations) {
        precondition((encoderInput.segments == nil) == (decoderInput.segments == nil),
                     "packed encoder-decoder rows need segments on both the encoder and the decoder input")
        acts.encoder.load(encoderInput)
        acts.decoder.load(decoderInput)
        encoder.forward(acts.encoder, weights: encoderWeights)
        acts.encoder.withEncoderMemory { memory in
            decoder.forward(acts.decoder, weights: decoderWeights, encoder: memory)
        }
    }

    /// Final (soft-capped) decoder logits of rows `rows` of the last forward into `out` (`[rows.count, V]`).
    public func logits(rows: Range<Int>, _ acts: Activations, into out: UnsafeMutablePointer<Float>) {
        LanguageModelHead.forward(acts.decoder.output + rows.lowerBound * config.decoder.hiddenSize, rows: rows.count,
                                  table: decoderEmbeddingTable, softCap: config.decoder.finalLogitSoftcap, into: out)
    }

    /// Encoder then decoder forward; logits land in `acts.logits`.
    ///
    /// Packed rows (several examples per row) carry `segments` on both inputs, with the same ids for
    /// the same example: example k of a decoder row cross-attends only to example k of its encoder
    /// row, as each stack's self-attention stays inside its own example.
    public func forward(encoderInput: TokenBatch, decoderInput: TokenBatch, _ acts: Activations) {
        forwardHidden(encoderInput: encoderInput, decoderInput: decoderInput, acts)
        logits(rows: 0..<decoderInput.batch * decoderInput.length, acts, into: acts.logits.f32)
    }

    /// HF's training convention: `decoder_input_ids = shift_right(labels)` (start with `<bos>`,
    /// drop the last label, -100 becomes pad); the loss compares logits[t] with labels[t], no shift.
    public static func decoderInputs(labels: [[TokenID]], bos: TokenID, pad: TokenID) -> [[TokenID]] {
        labels.map { row in ([bos] + row.dropLast()).map { $0 == -100 ? pad : $0 } }
    }

    /// Forward plus mean cross-entropy of the decoder logits against `targets`
    /// (`[batch * decoderLength]`, aligned with the decoder inputs, -100 = ignore). With `grads`,
    /// backward through decoder, cross-attention and encoder.
    @discardableResult
    public func loss(encoderInput: TokenBatch, decoderInput: TokenBatch, targets: [Int32], _ acts: Activations,
                     grads: GradientStore? = nil) -> (loss: Float, count: Int) {
        let sums = trainingLoss(encoderInput: encoderInput, decoderInput: decoderInput, targets: LossTargets(hard: targets),
                                acts, grads: grads)
        return (sums.count > 0 ? Float(sums.hard / Double(sums.count)) : 0, sums.count)
    }

    // MARK: Encoder as a text encoder

    /// The encoder's final-normed hidden states `[ids.count, dE]` for one sequence (users use
    /// T5Gemma encoders as text encoders).
    public func encode(_ ids: [TokenID]) throws -> Tensor { try encode(ids, cancel: nil) }

    /// ``encode(_:)`` that stops between layers once `cancel` is set (the result is then meaningless).
    func encode(_ ids: [TokenID], cancel: CancellationFlag?) throws -> Tensor {
        guard !ids.isEmpty else { throw GenerationError.emptyPrompt }
        try GenerationLoop.validate(ids, vocabularySize: config.encoder.vocabSize)
        if let image = config.t5gemma2?.imageTokenIndex, ids.contains(image) { throw GenerationError.imageInput(image) }
        let acts = StackActivations(stack: encoder, batch: 1, length: ids.count, training: false)
        acts.load(TokenBatch(sequences: [ids], padID: config.padTokenID))
        encoder.forward(acts, weights: encoderWeights, cancel: cancel)
        let out = Tensor(zeros: [ids.count, config.encoder.hiddenSize])
        out.f32.update(from: acts.output, count: out.count)
        return out
    }
}
