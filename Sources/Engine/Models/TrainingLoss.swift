/// What a training forward/backward compares the logits with: hard next-token targets and,
/// for distillation, a teacher's soft targets mixed in with weight `softWeight`.
public struct LossTargets: Sendable {
    /// One target per logits row (`-100` = ignored).
    public var hard: [Int32]
    /// Top-k teacher probabilities for the same rows (only rows with a hard target count).
    public var soft: SoftTargets?
    /// `W` in `W · soft CE + (1 − W) · hard CE`; ignored without `soft`.
    public var softWeight: Float
    /// Gradients are of `Σ_rows loss / normalizer`. nil = this batch's own count of targets (the
    /// mean). Gradient accumulation passes the count over all micro-batches of the step, so their
    /// summed gradients equal those of one large batch.
    public var normalizer: Int?

    public init(hard: [Int32], soft: SoftTargets? = nil, softWeight: Float = 0, normalizer: Int? = nil) {
        self.hard = hard
        self.soft = soft
        self.softWeight = soft == nil ? 0 : softWeight
        self.normalizer = normalizer
    }
}

/// Losses of one forward pass as sums over the counted target rows (so micro-batches add up).
public struct LossSums: Sendable, Equatable {
    /// Σ cross-entropy against the hard targets.
    public var hard: Double
    /// Σ cross-entropy against the soft targets (0 without them).
    public var soft: Double
    /// Rows with a hard target.
    public var count: Int
    /// The `W` the optimised loss used.
    public var softWeight: Float

    public init(hard: Double = 0, soft: Double = 0, count: Int = 0, softWeight: Float = 0) {
        self.hard = hard
        self.soft = soft
        self.count = count
        self.softWeight = softWeight
    }

    /// Σ of the optimised loss: `(1 − W) · hard + W · soft`.
    public var combined: Double { Double(1 - softWeight) * hard + Double(softWeight) * soft }

    public static func + (a: LossSums, b: LossSums) -> LossSums {
        LossSums(hard: a.hard + b.hard, soft: a.soft + b.soft, count: a.count + b.count, softWeight: max(a.softWeight, b.softWeight))
    }
}

extension LanguageModelHead {
    /// The head's loss and backward for training: hard cross-entropy, or its mix with soft targets
    /// (`SoftTargetCrossEntropy`), against the soft-capped logits, with gradients scaled by
    /// `1 / normalizer`; then the soft-cap backward, `dH = dLogits · E` and
    /// `dE += dLogitsᵀ · h`.
    static func trainingLossAndBackward(_ h: UnsafePointer<Float>, rows: Int, table: Tensor, softCap: Float?,
                                        logits: UnsafePointer<Float>, dLogits: UnsafeMutablePointer<Float>,
                                        targets: LossTargets, dTable: UnsafeMutablePointer<Float>?,
                                        dH: UnsafeMutablePointer<Float>) -> LossSums {
        let timed = StepProfile.begin(.loss)
        defer { StepProfile.end(timed) }
        let vocab = table.shape[0]
        precondition(targets.hard.count == rows, "\(targets.hard.count) targets for \(rows) logits rows")
        let normalizer = targets.normalizer ?? targets.hard.withUnsafeBufferPointer { countTargets($0.baseAddress!, rows: rows) }
        let scale: Float = normalizer > 0 ? 1 / Float(normalizer) : 0
        let sums: LossSums
        if let soft = targets.soft {
            precondition(soft.k > 0 && soft.ids.count == rows * soft.k && soft.probabilities.count == rows * soft.k,
                         "soft targets must be [rows * k] = \(rows) * \(soft.k)")
            let r = targets.hard.withUnsafeBufferPointer { t in
                soft.ids.withUnsafeBufferPointer { ids in
                    soft.probabilities.withUnsafeBufferPointer { p in
                        SoftTargetCrossEntropy.forward(logits: logits, targets: t.baseAddress!, softIDs: ids.baseAddress!,
                                                       softProbabilities: p.baseAddress!, k: soft.k, rows: rows, vocab: vocab,
                                                       softWeight: targets.softWeight, gradScale: scale, dLogits: dLogits)
                    }
                }
            }
            sums = LossSums(hard: r.hard, soft: r.soft, count: r.count, softWeight: targets.softWeight)
        } else {
            let r = targets.hard.withUnsafeBufferPointer { t in
                CrossEntropy.forward(logits: logits, targets: t.baseAddress!, rows: rows, vocab: vocab,
                                     gradScale: scale, dLogits: dLogits)
            }
            sums = LossSums(hard: r.loss, count: r.count)
        }
        if let softCap { SoftCap.backward(dLogits, y: logits, count: rows * vocab, cap: softCap, dx: dLogits) }
        Linear.backward(dLogits, x: h, rows: rows, weight: table, dx: dH, dW: dTable)
        return sums
    }

    /// Loss sums without gradients (evaluation); soft targets, if any, are scored too.
    static func trainingLoss(logits: UnsafePointer<Float>, rows: Int, vocab: Int, targets: LossTargets) -> LossSums {
        targets.hard.withUnsafeBufferPointer { t in
            if let soft = targets.soft {
                let r = soft.ids.withUnsafeBufferPointer { ids in
                    soft.probabilities.withUnsafeBufferPointer { p in
                        SoftTargetCrossEntropy.forward(logits: logits, targets: t.baseAddress!, softIDs: ids.baseAddress!,
                                                       softProbabilities: p.baseAddress!, k: soft.k, rows: rows, vocab: vocab,
                                                       softWeight: targets.softWeight, dLogits: nil)
                    }
                }
                return LossSums(hard: r.hard, soft: r.soft, count: r.count, softWeight: targets.softWeight)
            }
            let r = CrossEntropy.forward(logits: logits, targets: t.baseAddress!, rows: rows, vocab: vocab, dLogits: nil)
            return LossSums(hard: r.loss, count: r.count)
        }
    }

    /// How many counted rows have their target as the arg-max of the logits (ties go to the lower id).
    static func correctPredictions(logits: UnsafePointer<Float>, rows: Int, vocab: Int, targets: [Int32]) -> Int {
        var correct = 0
        for r in 0..<rows where targets[r] != -100 {
            let x = logits + r * vocab
            var best = 0
            for j in 1..<vocab where x[j] > x[best] { best = j }
            if best == Int(targets[r]) { correct += 1 }
        }
        return correct
    }
}
