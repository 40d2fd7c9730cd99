extension T5GemmaModel {
    /// Forward plus the training loss of the decoder logits against `targets` (aligned with the
    /// decoder inputs), as sums. With `grads`, backward through decoder, cross-attention and encoder;
    /// when no encoder parameter is trainable (cross-attention warm-up) the encoder's backward is
    /// skipped, as it would produce nothing.
    public func trainingLoss(encoderInput: TokenBatch, decoderInput: TokenBatch, targets: LossTargets,
                             _ acts: Activations, grads: GradientStore? = nil) -> LossSums {
        forward(encoderInput: encoderInput, decoderInput: decoderInput, acts)
        let rows = decoderInput.batch * decoderInput.length
        guard let grads else {
            return LanguageModelHead.trainingLoss(logits: acts.logits.f32, rows: rows, vocab: config.decoder.vocabSize,
                                                  targets: targets)
        }
        let sums = LanguageModelHead.trainingLossAndBackward(
            acts.decoder.output, rows: rows, table: decoderEmbeddingTable, softCap: config.decoder.finalLogitSoftcap,
            logits: acts.logits.f32, dLogits: acts.dLogits.f32, targets: targets,
            dTable: grads.pointer(decoder.names.embedding), dH: acts.decoder.dOutput)
        let encoderRows = encoderInput.batch * encoderInput.length
        acts.encoder.dOutput.update(repeating: 0, count: encoderRows * config.encoder.hiddenSize)
        acts.encoder.withEncoderMemory { memory in
            decoder.backward(acts.decoder, weights: decoderWeights, grads: grads, encoder: memory, dEncoder: acts.encoder.dOutput)
        }
        if grads.names.contains(where: { $0.hasPrefix("model.encoder.") }) {
            encoder.backward(acts.encoder, weights: encoderWeights, grads: grads)
        }
        return sums
    }
}
