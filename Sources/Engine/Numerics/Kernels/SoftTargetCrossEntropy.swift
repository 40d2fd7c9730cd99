import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cross-entropy against a mixture of a hard target and soft targets (knowledge distillation):
/// per counted row, `(1 − W) · CE(onehot(t), softmax z) + W · CE(p, softmax z)` where `p` is a sparse
/// distribution over `k` ids (a teacher's renormalised top-k).
public enum SoftTargetCrossEntropy {
    /// For each row with `targets[r] != ignoreIndex`, with `lse = logsumexp(z_r)`:
    /// `hard_r = lse − z_r[t_r]` and `soft_r = Σ_j p_rj · (lse − z_r[id_rj])`.
    /// Returns both sums (double, in row order: deterministic for any thread count) and the number of
    /// counted rows. If `dLogits` is non-nil it receives, for counted rows,
    /// `gradScale · ((1 − W + W·Σ_j p_rj) · softmax(z_r) − (1 − W) · onehot(t_r) − W · Σ_j p_rj · onehot(id_rj))`
    /// (the gradient of `gradScale · ((1 − W)·hard_r + W·soft_r)`), and 0 for ignored rows.
    /// `softIDs` / `softProbabilities` are `[rows * k]`; entries with probability 0 are ignored.
    public static func forward(logits: UnsafePointer<Float>, targets: UnsafePointer<Int32>,
                               softIDs: UnsafePointer<Int32>, softProbabilities: UnsafePointer<Float>, k: Int,
                               rows: Int, vocab: Int, softWeight: Float, ignoreIndex: Int32 = -100,
                               gradScale: Float = 1, dLogits: UnsafeMutablePointer<Float>?) -> (hard: Double, soft: Double, count: Int) {
        for r in 0..<rows where targets[r] != ignoreIndex {
            precondition(targets[r] >= 0 && Int(targets[r]) < vocab,
                         "cross-entropy target \(targets[r]) at row \(r) outside vocabulary of \(vocab)")
            for j in 0..<k where softProbabilities[r * k + j] != 0 {
                let id = softIDs[r * k + j]
                precondition(id >= 0 && Int(id) < vocab, "soft target id \(id) at row \(r) outside vocabulary of \(vocab)")
            }
        }
        let losses = UnsafeMutablePointer<(Double, Double)>.allocate(capacity: max(rows, 1))
        defer { losses.deallocate() }
        let hardWeight = 1 - softWeight
        EngineThreads.parallelFor(rows, minimumPerChunk: max(1, 65_536 / max(1, vocab))) { range in
            for r in range {
                let x = logits + r * vocab
                let target = targets[r]
                guard target != ignoreIndex else {
                    losses[r] = (0, 0)
                    dLogits.map { ($0 + r * vocab).update(repeating: 0, count: vocab) }
                    continue
                }
                let m = dk_max_f32(x, vocab)
                let lse = Double(m) + log(dk_exp_sum_f32(x, m, nil, vocab))
                var soft = 0.0, mass: Float = 0
                for j in 0..<k {
                    let p = softProbabilities[r * k + j]
                    guard p != 0 else { continue }
                    soft += Double(p) * (lse - Double(x[Int(softIDs[r * k + j])]))
                    mass += p
                }
                losses[r] = (lse - Double(x[Int(target)]), soft)
                if let dLogits {
                    let d = dLogits + r * vocab
                    dk_exp_shift_scale_f32(x, Float(lse), gradScale * (hardWeight + softWeight * mass), d, vocab)
                    d[Int(target)] -= gradScale * hardWeight
                    for j in 0..<k {
                        let p = softProbabilities[r * k + j]
                        if p != 0 { d[Int(softIDs[r * k + j])] -= gradScale * softWeight * p }
                    }
                }
            }
        }
        var hard = 0.0, soft = 0.0, counted = 0
        for r in 0..<rows where targets[r] != ignoreIndex {
            hard += losses[r].0
            soft += losses[r].1
            counted += 1
        }
        return (hard, soft, counted)
    }
}
