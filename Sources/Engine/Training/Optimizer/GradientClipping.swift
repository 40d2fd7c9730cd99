import CKernels

/// Global gradient-norm clipping over a flat gradient buffer (PyTorch's `clip_grad_norm_`).
public enum GradientClipping {
    /// Elements per block of the norm's reduction. Fixed (not per thread), so the norm's rounding
    /// does not depend on the thread count.
    static let block = 1 << 16

    /// `‖g‖₂` over `count` floats: each block's sum of squares in double, the block sums added in
    /// order. NaN or ±inf in any element makes the result non-finite.
    public static func globalNorm(_ g: UnsafePointer<Float>, count: Int) -> Double {
        let timed = StepProfile.begin(.optimizer)
        defer { StepProfile.end(timed) }
        let blocks = (count + block - 1) / block
        guard blocks > 0 else { return 0 }
        let partial = UnsafeMutablePointer<Double>.allocate(capacity: blocks)
        defer { partial.deallocate() }
        EngineThreads.parallelFor(blocks, minimumPerChunk: 4) { range in
            for b in range {
                let lo = b * block
                partial[b] = dk_sumsq_f32(g + lo, min(block, count - lo))
            }
        }
        var total = 0.0
        for b in 0..<blocks { total += partial[b] }
        return total.squareRoot()
    }

    /// Scales `g` so that its norm is at most `maxNorm`, given its current `norm`. As PyTorch:
    /// the coefficient is `maxNorm / (norm + 1e-6)` clamped to 1. Returns the coefficient applied
    /// and whether it was below 1 (the step was clipped).
    @discardableResult
    public static func clip(_ g: UnsafeMutablePointer<Float>, count: Int, norm: Double, maxNorm: Double) -> (scale: Float, clipped: Bool) {
        let timed = StepProfile.begin(.optimizer)
        defer { StepProfile.end(timed) }
        let coefficient = maxNorm / (norm + 1e-6)
        guard coefficient < 1 else { return (1, false) }
        let scale = Float(coefficient)
        EngineThreads.parallelFor(count, minimumPerChunk: 1 << 16) { range in
            dk_scale_f32(g + range.lowerBound, range.count, scale)
        }
        return (scale, true)
    }
}
