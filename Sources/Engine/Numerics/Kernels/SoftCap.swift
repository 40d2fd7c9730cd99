import CKernels

/// Gemma 2's logit soft-capping, `y = tanh(x / cap) · cap` (attention scores with cap 50, final
/// logits with cap 30): smooth, and bounded in `(-cap, cap)`.
public enum SoftCap {
    /// `y = tanh(x / cap) · cap`; in place allowed (`y == x`).
    public static func forward(_ x: UnsafePointer<Float>, count: Int, cap: Float, into y: UnsafeMutablePointer<Float>) {
        let timed = StepProfile.begin(.elementwise)
        defer { StepProfile.end(timed) }
        EngineThreads.parallelFor(count, minimumPerChunk: 1 << 16) { r in
            dk_softcap_f32(x + r.lowerBound, y + r.lowerBound, r.count, cap)
        }
    }

    /// `dx = dy · (1 − (y / cap)²)` where `y` is the forward OUTPUT; `dx` may alias `dy`.
    public static func backward(_ dy: UnsafePointer<Float>, y: UnsafePointer<Float>, count: Int, cap: Float,
                                dx: UnsafeMutablePointer<Float>) {
        let timed = StepProfile.begin(.elementwise)
        defer { StepProfile.end(timed) }
        EngineThreads.parallelFor(count, minimumPerChunk: 1 << 16) { r in
            dk_softcap_backward_f32(dy + r.lowerBound, y + r.lowerBound, dx + r.lowerBound, r.count, cap)
        }
    }
}
