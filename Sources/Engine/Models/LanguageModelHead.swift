/// The tied LM head shared by Gemma 2 and T5Gemma's decoder: `logits = h · Eᵀ`, then the final
/// soft-cap `tanh(logits / cap) * cap`.
enum LanguageModelHead {
    /// Logits `[rows, V]` of final-normed hidden rows `h` `[rows, d]`.
    static func forward(_ h: UnsafePointer<Float>, rows: Int, table: Tensor, softCap: Float?,
                        into logits: UnsafeMutablePointer<Float>) {
        Linear.forward(h, rows: rows, weight: table, into: logits)
        if let softCap { SoftCap.forward(logits, count: rows * table.shape[0], cap: softCap, into: logits) }
    }

    /// Cross-entropy of the (capped) logits against `targets`, mean over non-ignored rows, and the
    /// head's backward: `dLogits` receives the gradient wrt the pre-cap logits, then `dH = dLogits · E`
    /// and `dE += dLogitsᵀ · h`. Returns the mean loss and the number of counted targets.
    static func lossAndBackward(_ h: UnsafePointer<Float>, rows: Int, table: Tensor, softCap: Float?,
                                logits: UnsafePointer<Float>, dLogits: UnsafeMutablePointer<Float>,
                                targets: UnsafePointer<Int32>, dTable: UnsafeMutablePointer<Float>?,
                                dH: UnsafeMutablePointer<Float>) -> (loss: Float, count: Int) {
        let vocab = table.shape[0]
        let count = countTargets(targets, rows: rows)
        let scale: Float = count > 0 ? 1 / Float(count) : 0
        let result = CrossEntropy.forward(logits: logits, targets: targets, rows: rows, vocab: vocab,
                                          gradScale: scale, dLogits: dLogits)
        if let softCap { SoftCap.backward(dLogits, y: logits, count: rows * vocab, cap: softCap, dx: dLogits) }
        Linear.backward(dLogits, x: h, rows: rows, weight: table, dx: dH, dW: dTable)
        return (count > 0 ? Float(result.loss / Double(count)) : 0, count)
    }

    /// Mean cross-entropy without gradients.
    static func loss(logits: UnsafePointer<Float>, rows: Int, vocab: Int, targets: UnsafePointer<Int32>) -> (loss: Float, count: Int) {
        let r = CrossEntropy.forward(logits: logits, targets: targets, rows: rows, vocab: vocab, dLogits: nil)
        return (r.count > 0 ? Float(r.loss / Double(r.count)) : 0, r.count)
    }

    static func countTargets(_ targets: UnsafePointer<Int32>, rows: Int) -> Int {
        var c = 0
        for r in 0..<rows where targets[r] != -100 { c += 1 }
        return c
    }
}
