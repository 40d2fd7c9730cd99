import Tokenizers
/// A Gemma 2 decoder-only language model (`Gemma2ForCausalLM`): embedding, blocks with causal
/// (and on local layers sliding-window) attention, final norm, tied LM head with soft-cap. A Gemma 3
/// text model (`Gemma3ForCausalLM`, `config.gemma3` set) is the same with query/key norms and a RoPE
/// per layer type.
public final class Gemma2Model: @unchecked Sendable {
    public let config: Gemma2Config
    public let parameters: ParameterStore
    let stack: GemmaStack
    /// The stack's weights, resolved once (after the norms are widened).
    let stackWeights: StackWeights

    /// Builds the model over `parameters` (names and shapes as `Gemma2Model.layout(config)`).
    /// Norm weights are widened to f32 (kernels read them as f32); matrices keep their dtype.
    public init(config: Gemma2Config, parameters: ParameterStore) {
        self.config = config
        self.parameters = parameters
        let names = StackNames.gemma2(layers: config.numLayers, queryKeyNorm: config.gemma3 != nil)
        stack = GemmaStack(config: config, names: names, causal: true, crossAttention: false)
        let norms = Set(names.norms)
        parameters.widenToF32 { norms.contains($0) }
        stackWeights = StackWeights(names, in: parameters)
    }

    /// Every parameter name with its shape, in checkpoint order.
    public static func layout(_ config: Gemma2Config) -> [(name: String, shape: [Int])] {
        WeightLayout.expectedShapes(.gemma2(config))
    }

    /// The LM-head table `[V, d]`: the embedding (tied, as every Gemma 2), or `lm_head.weight`.
    public var embeddingTable: Tensor {
        config.tieWordEmbeddings ? parameters[stack.names.embedding] : parameters["lm_head.weight"]
    }

    // MARK: Batched forward / backward (scoring and training)

    /// Activations for batches of one shape; reuse across steps.
    public final class Activations {
        let stack: StackActivations
        /// Final (soft-capped) logits `[batch * length, V]`.
        public let logits: Tensor
        let dLogits: Tensor
        var targets: [Int32] = []

        init(model: Gemma2Model, batch: Int, length: Int, training: Bool, logits keepLogits: Bool = true) {
            stack = StackActivations(stack: model.stack, batch: batch, length: length, training: training)
            logits = keepLogits ? Tensor(zeros: [batch * length, model.config.vocabSize]) : Tensor(zeros: [0])
            dLogits = training ? Tensor(zeros: [batch * length, model.config.vocabSize]) : Tensor(zeros: [0])
        }
    }

    /// Allocates activations for `batch` sequences of `length` tokens. With `training: false` they
    /// hold only what a forward needs (no backward state; memory linear in `length`).
    public func makeActivations(batch: Int, length: Int, training: Bool = true) -> Activations {
        Activations(model: self, batch: batch, length: length, training: training)
    }

    /// Inference activations without the `[rows, V]` logits (4 GB for a 256k vocabulary at 4,096
    /// tokens): run ``forwardHidden(_:_:)``, then read the logits a few rows at a time with
    /// ``logits(rows:_:into:)``.
    public func makeHiddenActivations(batch: Int, length: Int) -> Activations {
        Activations(model: self, batch: batch, length: length, training: false, logits: false)
    }

    /// Forward through the stack and final norm, without the LM head.
    public func forwardHidden(_ batch: TokenBatch, _ acts: Activations) {
        acts.stack.load(batch)
        stack.forward(acts.stack, weights: stackWeights)
    }

    /// Final (soft-capped) logits of rows `rows` of the last forward into `out` (`[rows.count, V]`).
    public func logits(rows: Range<Int>, _ acts: Activations, into out: UnsafeMutablePointer<Float>) {
        LanguageModelHead.forward(acts.stack.output + rows.lowerBound * config.hiddenSize, rows: rows.count,
                                  table: embeddingTable, softCap: config.finalLogitSoftcap, into: out)
    }

    /// Forward over `batch`; the logits land in `acts.logits`.
    public func forward(_ batch: TokenBatch, _ acts: Activations) {
        forwardHidden(batch, acts)
        logits(rows: 0..<batch.batch * batch.length, acts, into: acts.logits.f32)
    }

    /// The final-normed hidden states `[ids.count, d]` of one sequence (what the LM head reads), for
    /// probing the model's representations.
    public func hiddenStates(_ ids: [TokenID]) throws -> Tensor {
        guard !ids.isEmpty else { throw GenerationError.emptyPrompt }
        try GenerationLoop.validate(ids, vocabularySize: config.vocabSize)
        let acts = StackActivations(stack: stack, batch: 1, length: ids.count, training: false)
        acts.load(TokenBatch(sequences: [ids], padID: config.padTokenID))
        stack.forward(acts, weights: stackWeights)
        let out = Tensor(zeros: [ids.count, config.hiddenSize])
        out.f32.update(from: acts.output, count: out.count)
        return out
    }

    /// Next-token targets for causal LM training: `targets[b, t] = ids[b, t+1]` where that token is
    /// real, else -100 (ignored), as HF's shifted causal-LM loss.
    public static func shiftedTargets(_ batch: TokenBatch) -> [Int32] {
        var targets = [Int32](repeating: -100, count: batch.ids.count)
        for b in 0..<batch.batch {
            for t in 0..<(batch.length - 1) where batch.valid[b * batch.length + t + 1] {
                targets[b * batch.length + t] = batch.ids[b * batch.length + t + 1]
            }
        }
        return targets
    }

    /// Forward plus mean cross-entropy against `targets` (`[batch*length]`, -100 = ignore).
    /// With `grads`, also runs the backward pass and accumulates parameter gradients.
    @discardableResult
    public func loss(_ batch: TokenBatch, targets: [Int32], _ acts: Activations, grads: GradientStore? = nil) -> (loss: Float, count: Int) {
        let sums = trainingLoss(batch, targets: LossTargets(hard: targets), acts, grads: grads)
        return (sums.count > 0 ? Float(sums.hard / Double(sums.count)) : 0, sums.count)
    }
}
