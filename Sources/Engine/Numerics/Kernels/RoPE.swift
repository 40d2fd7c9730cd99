#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rotary position embeddings in the half-split ("rotate_half", NEOX) layout, exactly as Hugging
/// Face Gemma 2 computes them: `inv_freq[j] = 1 / theta^(2j/hd)` in f32, `angle = Float(pos) ·
/// inv_freq[j]` in f32, cos/sin in f32, and for each head vector
/// `out[j] = x[j]·cos − x[j+hd/2]·sin`, `out[j+hd/2] = x[j+hd/2]·cos + x[j]·sin`.
///
/// cos/sin are computed per token (once for all its heads) rather than cached: that is ~2.5 µs per
/// token per call, negligible next to the projections, and needs no table sized by a maximum length.
public struct RoPE: Sendable {
    public let headDim: Int
    public let theta: Float
    /// `1 / theta^(2j/headDim)` for `j < headDim/2`, in f32 as HF computes it.
    public let inverseFrequencies: [Float]

    /// `linearFactor` > 1 stretches positions (HF's "linear" RoPE: the inverse frequencies divided by it).
    public init(headDim: Int, theta: Float, linearFactor: Float = 1) {
        precondition(headDim > 0 && headDim % 2 == 0, "RoPE head dimension must be even, got \(headDim)")
        self.headDim = headDim
        self.theta = theta
        // HF: 1.0 / (base ** (arange(0, dim, 2).float() / dim)), every step in f32; linear: then / factor.
        inverseFrequencies = (0..<headDim / 2).map { j in
            let f = 1 / powf(theta, Float(2 * j) / Float(headDim))
            return linearFactor == 1 ? f : f / linearFactor
        }
    }

    /// Rotates `x`, laid out `[tokens, heads, headDim]`, in place; token `t` sits at `positions[t]`.
    public func forward(_ x: UnsafeMutablePointer<Float>, tokens: Int, heads: Int, positions: UnsafePointer<Int32>) {
        let timed = StepProfile.begin(.elementwise)
        defer { StepProfile.end(timed) }
        rotate(x, tokens: tokens, heads: heads, positions: positions, sign: 1)
    }

    /// In-place gradient through `forward`: the transpose of a rotation is the rotation by −angle.
    public func backward(_ dx: UnsafeMutablePointer<Float>, tokens: Int, heads: Int, positions: UnsafePointer<Int32>) {
        let timed = StepProfile.begin(.elementwise)
        defer { StepProfile.end(timed) }
        rotate(dx, tokens: tokens, heads: heads, positions: positions, sign: -1)
    }

    private func rotate(_ x: UnsafeMutablePointer<Float>, tokens: Int, heads: Int, positions: UnsafePointer<Int32>, sign: Float) {
        let half = headDim / 2, hd = headDim
        inverseFrequencies.withUnsafeBufferPointer { invFreq in
            let inv = invFreq.baseAddress!
            EngineThreads.parallelFor(tokens, minimumPerChunk: max(1, 64 / max(1, heads))) { range in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: hd) { scratch in
                    let cosv = scratch.baseAddress!, sinv = cosv + half
                    for t in range {
                        let pos = Float(positions[t])
                        for j in 0..<half {
                            let angle = pos * inv[j]
                            cosv[j] = cosf(angle)
                            sinv[j] = sign * sinf(angle)
                        }
                        for h in 0..<heads {
                            let v = x + (t * heads + h) * hd
                            for j in 0..<half {
                                let a = v[j], b = v[j + half]
                                v[j] = a * cosv[j] - b * sinv[j]
                                v[j + half] = b * cosv[j] + a * sinv[j]
                            }
                        }
                    }
                }
            }
        }
    }
}
