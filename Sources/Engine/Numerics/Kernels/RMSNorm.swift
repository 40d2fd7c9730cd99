import CKernels

/// Gemma's RMSNorm: `y = x · rsqrt(mean(x²) + eps) · (1 + w)` per row, all in f32. The weight is
/// zero-centred (initialised to 0, so a fresh norm is the identity scale), hence `1 + w`.
public enum RMSNorm {
    /// Normalises `rows` rows of length `dim`. Saves `1/rms` per row in `rstd` (length `rows`) when
    /// non-nil, for `backward`. `y` may alias `x`.
    public static func forward(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, rows: Int, dim: Int,
                               eps: Float, into y: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>?) {
        let timed = StepProfile.begin(.norms)
        defer { StepProfile.end(timed) }
        EngineThreads.parallelFor(rows, minimumPerChunk: max(1, 32_768 / max(1, dim))) { range in
            for r in range {
                let s = dk_rmsnorm_f32(x + r * dim, weight, y + r * dim, dim, eps)
                rstd?[r] = s
            }
        }
    }

    /// Backward of `forward` given its input `x` and saved `rstd`:
    /// `dx = r·g − (r³/dim)·(g·x)·x` with `g = dy·(1 + w)` (overwritten, or added to `dx` when
    /// `accumulate`), and `dWeight += Σ_rows dy·x·r` (skipped when nil, e.g. a frozen norm).
    public static func backward(_ dy: UnsafePointer<Float>, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                rstd: UnsafePointer<Float>, rows: Int, dim: Int,
                                dx: UnsafeMutablePointer<Float>, accumulate: Bool, dWeight: UnsafeMutablePointer<Float>?) {
        let timed = StepProfile.begin(.norms)
        defer { StepProfile.end(timed) }
        EngineThreads.parallelFor(rows, minimumPerChunk: max(1, 32_768 / max(1, dim))) { range in
            for r in range {
                dk_rmsnorm_backward_f32(dy + r * dim, x + r * dim, weight, rstd[r], dx + r * dim, dim, accumulate ? 1 : 0)
            }
        }
        guard let dWeight else { return }
        // Split by columns so that no two workers add into the same weight element.
        EngineThreads.parallelFor(dim, minimumPerChunk: max(64, 32_768 / max(1, rows))) { cols in
            let c = cols.lowerBound
            for r in 0..<rows {
                dk_mul_acc_f32(rstd[r], dy + r * dim + c, x + r * dim + c, dWeight + c, cols.count)
            }
        }
    }
}
