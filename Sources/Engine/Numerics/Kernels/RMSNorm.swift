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

    /// A post-norm and the residual add after it, in one pass: `y = residual + norm(x)`, saving `1/rms`
    /// per row in `rstd` when non-nil. Equal to `forward` into a scratch row and `VectorOps.add`, without
    /// writing and re-reading the normed rows. `y` may alias `residual`.
    public static func forwardAdding(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                     residual: UnsafePointer<Float>, rows: Int, dim: Int, eps: Float,
                                     into y: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>?) {
        let timed = StepProfile.begin(.norms)
        defer { StepProfile.end(timed) }
        EngineThreads.parallelFor(rows, minimumPerChunk: max(1, 32_768 / max(1, dim))) { range in
            for r in range {
                let s = dk_rmsnorm_add_f32(x + r * dim, weight, residual + r * dim, y + r * dim, dim, eps)
                rstd?[r] = s
            }
        }
    }

    /// Backward of `forward` given its input `x` and saved `rstd`:
    /// `dx = r·g − (r³/dim)·(g·x)·x` with `g = dy·(1 + w)` (overwritten, or added to `dx` when
    /// `accumulate`), and `dWeight += Σ_rows dy·x·r` (skipped when nil, e.g. a frozen norm).
    /// One pass over the rows: each chunk of rows adds its share of `dWeight` into a partial of its own
    /// while the row is in registers, and the partials are added in chunk order at the end.
    public static func backward(_ dy: UnsafePointer<Float>, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                rstd: UnsafePointer<Float>, rows: Int, dim: Int,
                                dx: UnsafeMutablePointer<Float>, accumulate: Bool, dWeight: UnsafeMutablePointer<Float>?) {
        let timed = StepProfile.begin(.norms)
        defer { StepProfile.end(timed) }
        let minimumPerChunk = max(1, 32_768 / max(1, dim)), add: Int32 = accumulate ? 1 : 0
        func rowsBackward(_ range: Range<Int>, _ dw: UnsafeMutablePointer<Float>?) {
            for r in range {
                dk_rmsnorm_backward_f32(dy + r * dim, x + r * dim, weight, rstd[r], dx + r * dim, dim, add, dw)
            }
        }
        guard let dWeight else {
            EngineThreads.parallelFor(rows, minimumPerChunk: minimumPerChunk) { rowsBackward($0, nil) }
            return
        }
        let chunks = EngineThreads.chunkCount(rows, minimumPerChunk: minimumPerChunk)
        guard chunks > 1 else {
            rowsBackward(0..<rows, dWeight)
            return
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: chunks * dim) { partials in
            let base = partials.baseAddress!
            base.initialize(repeating: 0, count: chunks * dim)
            EngineThreads.parallelChunks(rows, minimumPerChunk: minimumPerChunk) { chunk, range in
                rowsBackward(range, base + chunk * dim)
            }
            for chunk in 0..<chunks { dk_add_f32(dWeight, base + chunk * dim, dWeight, dim) }
        }
    }
}
