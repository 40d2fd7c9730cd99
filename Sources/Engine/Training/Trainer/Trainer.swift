import Foundation
/// Optimizer steps over a `TrainableModel`: forward/backward of each micro-batch into flat
/// gradients, a NaN/inf check, global-norm clipping, one AdamW update with the scheduled learning
/// rate. fp32 master weights (the model's flat f32 parameters) and no randomness of its own, so the
/// same batches give bit-identical steps.
///
/// Under data parallelism (a `group` of several processes, each given its shard of every batch) the
/// gradients and loss sums are summed over the group before anything is decided, so every process
/// clips, skips and steps identically, and the step equals one process's step over the whole batch up
/// to the order of floating-point sums.
public final class Trainer: @unchecked Sendable {
    public let model: TrainableModel
    public let config: TrainingConfig
    public let teacher: DistillationTeacher?
    /// The processes training this model together (`SingleProcess` alone).
    public let group: ProcessGroup
    /// Optimizer steps done (the index of the next step).
    public private(set) var step = 0
    /// Non-finite steps in a row just before now.
    public private(set) var consecutiveNonFinite = 0
    public private(set) var gradients: GradientStore
    public private(set) var optimizer: AdamW
    private(set) var trainedPhase: TrainingPhase

    /// Checks `config` against the model (cross-attention warm-up needs an encoder-decoder model) and
    /// allocates gradients and optimizer state for the first phase.
    public init(model: TrainableModel, config: TrainingConfig, teacher: DistillationTeacher? = nil,
                group: ProcessGroup = SingleProcess()) throws {
        try config.validate()
        if config.crossAttentionWarmupSteps > 0 && !model.isEncoderDecoder {
            throw TrainingError.invalidConfiguration(field: "cross-attention warm-up",
                                                     reason: "needs an encoder-decoder model (it has no cross-attention)")
        }
        if config.crossAttentionWarmupSteps > 0, case let .t5gemma(c) = model.config, c.t5gemma2 != nil {
            throw TrainingError.invalidConfiguration(field: "cross-attention warm-up",
                                                     reason: "T5Gemma 2 has no cross-attention weights (its decoder merges the encoder into self-attention)")
        }
        if config.distillation != nil && teacher == nil {
            throw TrainingError.invalidConfiguration(field: "distillation", reason: "a teacher model is required")
        }
        if let teacher, teacher.vocabularySize != model.vocabularySize {
            throw TrainingError.distillation("teacher vocabulary \(teacher.vocabularySize) differs from the student's \(model.vocabularySize)")
        }
        self.model = model
        self.config = config
        self.teacher = teacher
        self.group = group
        let phase = Self.phase(at: 0, config: config)
        trainedPhase = phase
        gradients = GradientStore(for: model.parameters, isTrainable: Self.trainable(in: phase))
        optimizer = AdamW(config: config.optimizer, parameters: model.parameters, gradients: gradients)
    }

    /// The phase of step index `step`.
    public static func phase(at step: Int, config: TrainingConfig) -> TrainingPhase {
        step < config.crossAttentionWarmupSteps ? .crossAttentionWarmup : .full
    }

    static func trainable(in phase: TrainingPhase) -> (String) -> Bool {
        switch phase {
        case .crossAttentionWarmup: ParameterRoles.isCrossAttention
        case .full: { _ in true }
        }
    }

    /// In a group: sum the gradients during the backward, in buckets of at least this many gradients
    /// (see ``OverlappedReduction``); nil sums them in one all-reduce after the backward.
    public var overlapBucketElements: Int?
    private var reduction: OverlappedReduction?

    /// The bucket plan for the current gradients (a phase change makes new ones), when overlapping.
    private func overlappedReduction() -> OverlappedReduction? {
        guard group.size > 1, let elements = overlapBucketElements else { return nil }
        if reduction?.gradients !== gradients {
            reduction = OverlappedReduction(group: group, gradients: gradients, blocksInBackwardOrder: model.blocksInBackwardOrder,
                                            bucketElements: elements)
        }
        return reduction
    }

    /// Held while a step changes the weights, the optimizer state and `step`: a checkpoint written from
    /// another thread (a failing job's signal or watchdog) takes it, and so sees one whole step.
    public let updateLock = NSLock()

    /// The learning rate of the next step.
    public var learningRate: Double { config.schedule.learningRate(at: step) }

    /// One optimizer step over `microbatches` (one per accumulated micro-batch). Their gradients
    /// add up as those of one batch holding them all: each micro-batch's loss is normalised by the
    /// targets of the whole step. A step whose loss or gradient norm is NaN/inf moves nothing and is
    /// reported `skipped`; `consecutiveNonFinite` counts them.
    ///
    /// In a group, `microbatches` are this process's shards and the step is over all shards: the
    /// normaliser is the group's target count, and gradients and loss sums are summed over the group
    /// before the norm, the checks and the update. A shard may have zero rows (the short last batch of
    /// an epoch); it still takes part in the sums.
    public func trainStep(_ microbatches: [TrainingBatch]) throws -> StepReport {
        guard !microbatches.isEmpty else { throw TrainingError.invalidBatch("a step needs at least one batch") }
        let batches = microbatches.filter { $0.decoderInput.batch > 0 }
        for batch in batches { try model.validate(batch) }
        enterPhase(Self.phase(at: step, config: config))
        let lr = learningRate
        // The whole step's count, so the shards' gradients add up to those of the whole batch (as
        // micro-batches do); exact in a double below 2^53 targets.
        let normalizer = Int(try group.sum([Double(batches.reduce(0) { $0 + $1.targetTokenCount })])[0])
        gradients.zero()
        // From here to the end of the backward this thread makes no collective call: the reduction's
        // thread may (MPI is initialised for one calling thread at a time).
        let inFlight = overlappedReduction()?.begin()
        var sums = LossSums()
        for (index, batch) in batches.enumerated() {
            let soft: SoftTargets?
            if let teacher, let distillation = config.distillation, distillation.weight > 0 {
                soft = try batch.softTargets ?? teacher.softTargets(for: batch, student: model)
            } else {
                soft = nil
            }
            let targets = LossTargets(hard: batch.targets, soft: soft, softWeight: config.distillation?.weight ?? 0,
                                      normalizer: normalizer)
            // Blocks are final only in the step's last micro-batch.
            if index == batches.count - 1, let inFlight { gradients.blockFinished = inFlight.blockFinished }
            sums = sums + model.loss(batch, targets: targets, grads: gradients)
        }
        gradients.blockFinished = nil
        let flat = gradients.flat
        var reduceSeconds = 0.0
        var inputTokens = batches.reduce(0) { $0 + Self.realTokens($1) }
        if group.size > 1 {
            let start = nowMilliseconds()
            let timed = StepProfile.begin(.allReduce)
            defer { StepProfile.end(timed) }
            // Overlapped: only what the backward did not hide (the rest after the last block).
            if let inFlight { try inFlight.finish() } else { try group.allReduceSum(flat.f32, count: flat.count) }
            reduceSeconds = (nowMilliseconds() - start) / 1000
            // A shard without rows reports soft weight 0; the others report the run's weight.
            let total = try group.sum([sums.hard, sums.soft, Double(sums.count), Double(inputTokens),
                                       Double(sums.softWeight)])
            sums = LossSums(hard: total[0], soft: total[1], count: Int(total[2]),
                            softWeight: total[4] > 0 ? config.distillation?.weight ?? 0 : 0)
            inputTokens = Int(total[3])
        }
        let count = max(1, sums.count)
        var report = StepReport(
            step: step + 1, loss: sums.combined / Double(count), hardLoss: sums.hard / Double(count),
            softLoss: sums.softWeight > 0 ? sums.soft / Double(count) : nil, learningRate: lr, gradientNorm: 0,
            clipped: false, skipped: false, phase: trainedPhase, targetTokens: sums.count,
            inputTokens: inputTokens, allReduceSeconds: reduceSeconds)
        report.gradientNorm = GradientClipping.globalNorm(flat.f32, count: flat.count)
        // The update, under the lock a failure-time checkpoint takes (see `updateLock`).
        return updateLock.withLock {
            step += 1
            guard report.loss.isFinite && report.gradientNorm.isFinite else {
                consecutiveNonFinite += 1
                report.skipped = true
                return report
            }
            consecutiveNonFinite = 0
            if let clip = config.clipNorm {
                report.clipped = GradientClipping.clip(flat.f32, count: flat.count, norm: report.gradientNorm, maxNorm: clip).clipped
            }
            optimizer.step(learningRate: lr)
            return report
        }
    }

    /// Throws when the last `maxConsecutiveNonFinite` steps were all skipped.
    public func checkHealth() throws {
        if consecutiveNonFinite >= config.maxConsecutiveNonFinite {
            throw TrainingError.nonFinite(step: step, count: consecutiveNonFinite)
        }
    }

    /// Validation loss (hard targets) and token accuracy over `batches`. In a group every process
    /// passes the same batches and evaluates every `size`-th of them (from its rank); the sums are
    /// added over the group, so each process gets the result over all of them.
    public func evaluate(_ batches: [TrainingBatch]) throws -> EvaluationReport {
        var sums = LossSums(), correct = 0
        for (i, batch) in batches.enumerated() where i % group.size == group.rank {
            try model.validate(batch)
            let r = model.evaluate(batch)
            sums = sums + r.sums
            correct += r.correct
        }
        if group.size > 1 {
            let total = try group.sum([sums.hard, Double(sums.count), Double(correct)])
            sums = LossSums(hard: total[0], count: Int(total[1]))
            correct = Int(total[2])
        }
        let n = max(1, sums.count)
        return EvaluationReport(step: step, loss: sums.hard / Double(n), accuracy: Double(correct) / Double(n),
                                targetTokens: sums.count)
    }

    /// Real (non-padding) input tokens of a batch, encoder and decoder.
    static func realTokens(_ batch: TrainingBatch) -> Int {
        let decoder = batch.decoderInput.valid.reduce(0) { $0 + ($1 ? 1 : 0) }
        return decoder + (batch.encoderInput?.valid.reduce(0) { $0 + ($1 ? 1 : 0) } ?? 0)
    }

    /// Switches gradients and optimizer state to `phase`'s trainable set, keeping the state of
    /// parameters trained in both.
    private func enterPhase(_ phase: TrainingPhase) {
        guard phase != trainedPhase else { return }
        trainedPhase = phase
        let old = optimizer
        gradients = GradientStore(for: model.parameters, isTrainable: Self.trainable(in: phase))
        optimizer = AdamW(config: config.optimizer, parameters: model.parameters, gradients: gradients, carrying: old)
    }

    // MARK: Restoring from a checkpoint

    /// Puts the trainer where a checkpoint left it: `step`, the non-finite streak, and each
    /// parameter's optimizer state (`state` must name exactly the parameters of that step's phase).
    public func restore(step: Int, consecutiveNonFinite: Int,
                        state: [(name: String, m: Tensor, v: Tensor, steps: Int)]) throws {
        self.step = step
        self.consecutiveNonFinite = consecutiveNonFinite
        // The state saved after step `step` belongs to the phase of the last step taken.
        let phase = Self.phase(at: max(0, step - 1), config: config)
        trainedPhase = phase
        gradients = GradientStore(for: model.parameters, isTrainable: Self.trainable(in: phase))
        optimizer = AdamW(config: config.optimizer, parameters: model.parameters, gradients: gradients)
        let expected = Set(optimizer.names)
        let given = Set(state.map(\.name))
        guard expected == given || (step == 0 && given.isEmpty) else {
            let missing = expected.subtracting(given).sorted().prefix(3), extra = given.subtracting(expected).sorted().prefix(3)
            throw TrainingError.checkpoint(path: "optimizer state", reason:
                "parameters with state do not match the \(phase.rawValue) phase (missing \(Array(missing)), unexpected \(Array(extra)))")
        }
        for entry in state {
            let shape = model.parameters[entry.name].shape
            guard entry.m.shape == shape, entry.v.shape == shape, entry.m.dtype == .f32, entry.v.dtype == .f32 else {
                throw TrainingError.checkpoint(path: "optimizer state", reason: "moments of \(entry.name) are not f32 \(shape)")
            }
            optimizer.restore(entry.name, m: entry.m.f32, v: entry.v.f32, steps: entry.steps)
        }
    }
}
