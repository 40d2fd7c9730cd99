import CKernels

/// GELU with PyTorch's tanh approximation (`gelu_pytorch_tanh`, `approximate="tanh"`):
/// `gelu(x) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`, computed as the equal `x·sigmoid(2u)`,
/// which does not lose precision to cancellation for negative x.
public enum GeLU {
    /// `y = gelu(x)`; in place allowed.
    public static func forward(_ x: UnsafePointer<Float>, count: Int, into y: UnsafeMutablePointer<Float>) {
        EngineThreads.parallelFor(count, minimumPerChunk: 1 << 15) { r in
            dk_gelu_tanh_f32(x + r.lowerBound, y + r.lowerBound, r.count)
        }
    }

    /// `dx = dy · gelu'(x)` with `x` the forward input; `dx` may alias `dy`.
    public static func backward(_ dy: UnsafePointer<Float>, x: UnsafePointer<Float>, count: Int, dx: UnsafeMutablePointer<Float>) {
        EngineThreads.parallelFor(count, minimumPerChunk: 1 << 15) { r in
            dk_gelu_tanh_backward_f32(dy + r.lowerBound, x + r.lowerBound, dx + r.lowerBound, r.count)
        }
    }
}

/// Gemma's gated feed-forward activation: `h = gelu(gate) · up` (gate and up are the two
/// projections of the MLP input).
public enum GeGLU {
    /// `h = gelu_tanh(gate) · up`; `h` may alias `gate` or `up`.
    public static func forward(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int, into h: UnsafeMutablePointer<Float>) {
        let timed = StepProfile.begin(.elementwise)
        defer { StepProfile.end(timed) }
        EngineThreads.parallelFor(count, minimumPerChunk: 1 << 15) { r in
            dk_geglu_f32(gate + r.lowerBound, up + r.lowerBound, h + r.lowerBound, r.count)
        }
    }

    /// `dGate = dh · up · gelu'(gate)`, `dUp = dh · gelu(gate)`, both overwritten. `dGate` and `dUp`
    /// are distinct from each other and from the inputs.
    public static func backward(_ dh: UnsafePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int,
                                dGate: UnsafeMutablePointer<Float>, dUp: UnsafeMutablePointer<Float>) {
        let timed = StepProfile.begin(.elementwise)
        defer { StepProfile.end(timed) }
        EngineThreads.parallelFor(count, minimumPerChunk: 1 << 15) { r in
            let o = r.lowerBound
            dk_geglu_backward_f32(dh + o, gate + o, up + o, dGate + o, dUp + o, r.count)
        }
    }
}
