/// Saved tensors of one GeGLU feed-forward sub-block.
struct FeedForwardActivations {
    var gate, up, hidden: UnsafeMutablePointer<Float>   // [N, F]; hidden = gelu_tanh(gate) * up
    var output: UnsafeMutablePointer<Float>             // [N, d], output of down_proj
}

/// Gemma's feed-forward: `down(gelu_tanh(gate(x)) * up(x))`.
enum FeedForwardLayer {
    static func forward(_ x: UnsafePointer<Float>, rows n: Int, intermediate f: Int, weights w: FeedForwardWeights,
                        act: FeedForwardActivations) {
        Linear.forward(x, rows: n, weight: w.gate, into: act.gate)
        Linear.forward(x, rows: n, weight: w.up, into: act.up)
        GeGLU.forward(gate: act.gate, up: act.up, count: n * f, into: act.hidden)
        Linear.forward(act.hidden, rows: n, weight: w.down, into: act.output)
    }

    /// Writes the gradient of the normed input `x` into `dx` (overwritten).
    static func backward(_ dOutput: UnsafePointer<Float>, x: UnsafePointer<Float>, rows n: Int, intermediate f: Int,
                         weights w: FeedForwardWeights, grads g: FeedForwardGradients,
                         act: FeedForwardActivations, scratch: FeedForwardScratch, dx: UnsafeMutablePointer<Float>) {
        Linear.backward(dOutput, x: act.hidden, rows: n, weight: w.down, dx: scratch.dHidden, dW: g.down)
        GeGLU.backward(scratch.dHidden, gate: act.gate, up: act.up, count: n * f, dGate: scratch.dGate, dUp: scratch.dUp)
        Linear.backward(scratch.dGate, x: x, rows: n, weight: w.gate, dx: dx, dW: g.gate)
        Linear.backward(scratch.dUp, x: x, rows: n, weight: w.up, dx: dx, accumulateDx: true, dW: g.up)
    }
}

/// Gradient scratch shared by every feed-forward sub-block of a stack.
struct FeedForwardScratch {
    var dHidden, dGate, dUp: UnsafeMutablePointer<Float>
    init(arena: BufferArena, rows: Int, intermediate: Int) {
        dHidden = arena.floats(rows * intermediate)
        dGate = arena.floats(rows * intermediate)
        dUp = arena.floats(rows * intermediate)
    }
}
