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
/// cos/sin are computed per call, not cached across calls (no table sized by a maximum length): once per
/// distinct position when positions repeat (training batches), else per token (once for all its heads).
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
        guard tokens > 0 else { return }
        var lowest = positions[0], highest = positions[0]
        for t in 1..<tokens {
            lowest = min(lowest, positions[t])
            highest = max(highest, positions[t])
        }
        let span = Int(highest) - Int(lowest) + 1
        inverseFrequencies.withUnsafeBufferPointer { invFreq in
            let inv = invFreq.baseAddress!
            if span < tokens {
                // Positions repeat (a batch of training rows, each at 0..<T): cos/sin once per distinct
                // position, the same f32 values the per-token path computes (libm's cosf and sinf are
                // about half of this function's time otherwise).
                let table = UnsafeMutablePointer<Float>.allocate(capacity: span * headDim)
                defer { table.deallocate() }
                EngineThreads.parallelFor(span, minimumPerChunk: 16) { range in
                    for p in range { angles(position: lowest + Int32(p), sign: sign, inv: inv, into: table + p * headDim) }
                }
                EngineThreads.parallelFor(tokens, minimumPerChunk: max(1, 64 / max(1, heads))) { range in
                    for t in range { apply(x + t * heads * headDim, heads: heads, angles: table + Int(positions[t] - lowest) * headDim) }
                }
                return
            }
            EngineThreads.parallelFor(tokens, minimumPerChunk: max(1, 64 / max(1, heads))) { range in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: headDim) { scratch in
                    for t in range {
                        angles(position: positions[t], sign: sign, inv: inv, into: scratch.baseAddress!)
                        apply(x + t * heads * headDim, heads: heads, angles: scratch.baseAddress!)
                    }
                }
            }
        }
    }

    /// `cos(angle_j)` at `out[j]` and `sign·sin(angle_j)` at `out[half + j]` for one position.
    @inline(__always)
    private func angles(position: Int32, sign: Float, inv: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let half = headDim / 2, pos = Float(position)
        for j in 0..<half {
            let angle = pos * inv[j]
            out[j] = cosf(angle)
            out[half + j] = sign * sinf(angle)
        }
    }

    /// Rotates the `heads` vectors of one token by `angles` (from ``angles(position:sign:inv:into:)``).
    @inline(__always)
    private func apply(_ x: UnsafeMutablePointer<Float>, heads: Int, angles: UnsafePointer<Float>) {
        let half = headDim / 2, cosv = angles, sinv = angles + half
        for h in 0..<heads {
            let v = x + h * headDim
            for j in 0..<half {
                let a = v[j], b = v[j + half]
                v[j] = a * cosv[j] - b * sinv[j]
                v[j + half] = b * cosv[j] + a * sinv[j]
            }
        }
    }
}
