/// Saved tensors of one GeGLU feed-forward sub-block.
struct FeedForwardActivations {
    var gate, up, hidden: UnsafeMutablePointer<Float>   // [N, F]; hidden = gelu_tanh(gate) * up
    var output: UnsafeMutablePointer<Float>             // [N, d], output of down_proj
}

/// Gemma's feed-forward: `down(gelu_tanh(gate(x)) * up(x))`.
enum FeedForwardLayer {
    static func forward(_ x: UnsafePointer<Float>, rows n: Int, intermediate f: Int, weights: ParameterStore,
                        names: BlockNames, act: FeedForwardActivations) {
        Linear.forward(x, rows: n, weight: weights[names.gate], into: act.gate)
        Linear.forward(x, rows: n, weight: weights[names.up], into: act.up)
        GeGLU.forward(gate: act.gate, up: act.up, count: n * f, into: act.hidden)
        Linear.forward(act.hidden, rows: n, weight: weights[names.down], into: act.output)
    }

    /// Writes the gradient of the normed input `x` into `dx` (overwritten).
    static func backward(_ dOutput: UnsafePointer<Float>, x: UnsafePointer<Float>, rows n: Int, intermediate f: Int,
                         weights: ParameterStore, grads: GradientStore, names: BlockNames,
                         act: FeedForwardActivations, scratch: FeedForwardScratch, dx: UnsafeMutablePointer<Float>) {
        Linear.backward(dOutput, x: act.hidden, rows: n, weight: weights[names.down], dx: scratch.dHidden,
                        dW: grads.pointer(names.down))
        GeGLU.backward(scratch.dHidden, gate: act.gate, up: act.up, count: n * f, dGate: scratch.dGate, dUp: scratch.dUp)
        Linear.backward(scratch.dGate, x: x, rows: n, weight: weights[names.gate], dx: dx, dW: grads.pointer(names.gate))
        Linear.backward(scratch.dUp, x: x, rows: n, weight: weights[names.up], dx: dx, accumulateDx: true,
                        dW: grads.pointer(names.up))
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
