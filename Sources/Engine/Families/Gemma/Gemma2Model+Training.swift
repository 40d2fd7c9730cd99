extension Gemma2Model {
    /// Forward plus the training loss against `targets` (hard, or mixed with soft targets), as sums.
    /// With `grads`, also the backward pass: parameter gradients of `Σ loss / normalizer` are
    /// accumulated into `grads` (frozen parameters, absent from `grads`, get none).
    public func trainingLoss(_ batch: TokenBatch, targets: LossTargets, _ acts: Activations,
                             grads: GradientStore? = nil) -> LossSums {
        forward(batch, acts)
        let rows = batch.batch * batch.length
        guard let grads else {
            return LanguageModelHead.trainingLoss(logits: acts.logits.f32, rows: rows, vocab: config.vocabSize, targets: targets)
        }
        let sums = LanguageModelHead.trainingLossAndBackward(
            acts.stack.output, rows: rows, table: embeddingTable, softCap: config.finalLogitSoftcap,
            logits: acts.logits.f32, dLogits: acts.dLogits.f32, targets: targets,
            dTable: grads.pointer(stack.names.embedding), dH: acts.stack.dOutput)
        stack.backward(acts.stack, weights: stackWeights, grads: grads)
        return sums
    }
}
