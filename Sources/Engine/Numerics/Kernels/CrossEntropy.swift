import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fused log-softmax + negative log-likelihood over rows of logits (PyTorch `cross_entropy` with
/// `ignore_index`, reduction left to the caller).
public enum CrossEntropy {
    /// For each row with `targets[r] != ignoreIndex`: `loss_r = logsumexp(logits[r]) − logits[r, target]`.
    /// Returns the sum of the counted losses (accumulated in double, in row order: deterministic for
    /// any thread count) and how many rows counted. `rowLosses[r]` (optional) gets each loss, 0 for
    /// ignored rows. If `dLogits` is non-nil it receives `(softmax − onehot) · gradScale` for counted
    /// rows and 0 for ignored ones; it may alias `logits`.
    ///
    /// A target outside `0..<vocab` (other than `ignoreIndex`) is a caller bug: data loaders validate
    /// token ids against the vocabulary before training.
    public static func forward(logits: UnsafePointer<Float>, targets: UnsafePointer<Int32>, rows: Int, vocab: Int,
                               ignoreIndex: Int32 = -100, gradScale: Float = 1, dLogits: UnsafeMutablePointer<Float>?,
                               rowLosses: UnsafeMutablePointer<Float>? = nil) -> (loss: Double, count: Int) {
        for r in 0..<rows where targets[r] != ignoreIndex {
            precondition(targets[r] >= 0 && Int(targets[r]) < vocab,
                         "cross-entropy target \(targets[r]) at row \(r) outside vocabulary of \(vocab)")
        }
        let losses = UnsafeMutablePointer<Double>.allocate(capacity: max(rows, 1))
        defer { losses.deallocate() }
        EngineThreads.parallelFor(rows, minimumPerChunk: max(1, 65_536 / max(1, vocab))) { range in
            for r in range {
                let x = logits + r * vocab
                let target = targets[r]
                guard target != ignoreIndex else {
                    losses[r] = 0
                    dLogits.map { ($0 + r * vocab).update(repeating: 0, count: vocab) }
                    continue
                }
                let m = dk_max_f32(x, vocab)
                let sum = dk_exp_sum_f32(x, m, nil, vocab)
                let lse = Double(m) + log(sum)
                let targetLogit = Double(x[Int(target)])
                losses[r] = lse - targetLogit
                if let dLogits {
                    let d = dLogits + r * vocab
                    dk_exp_shift_scale_f32(x, Float(lse), gradScale, d, vocab)
                    d[Int(target)] -= gradScale
                }
            }
        }
        var total = 0.0, counted = 0
        for r in 0..<rows {
            rowLosses?[r] = Float(losses[r])
            if targets[r] != ignoreIndex {
                total += losses[r]
                counted += 1
            }
        }
        return (total, counted)
    }
}
