import CKernels
import Foundation

/// Hyperparameters of AdamW with decoupled weight decay (Loshchilov & Hutter; `torch.optim.AdamW`).
/// Doubles, as PyTorch keeps them as Python floats and rounds derived factors to f32 only at use.
public struct AdamWConfig: Sendable, Codable, Equatable {
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    /// Decoupled decay: each step multiplies decayed weights by `1 − lr · weightDecay`.
    public var weightDecay: Double
    /// Decay norms and embeddings too (off by default, see `ParameterRoles.decays`).
    public var decayNormsAndEmbeddings: Bool

    public init(beta1: Double = 0.9, beta2: Double = 0.95, epsilon: Double = 1e-8, weightDecay: Double = 0.1,
                decayNormsAndEmbeddings: Bool = false) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decayNormsAndEmbeddings = decayNormsAndEmbeddings
    }
}

/// AdamW over the flat buffers of a `GradientStore`: the moment estimates `m` and `v` are two flat
/// f32 buffers laid out exactly like the gradients (so only trainable parameters have state), and
/// each parameter keeps its own step count for bias correction (a parameter frozen for a while,
/// as during cross-attention warm-up, starts its correction when it starts training).
///
/// The update is PyTorch's single-tensor AdamW, operation for operation in f32:
/// `p *= 1 − lr·wd` (decayed parameters), `m += (1 − β₁)(g − m)`, `v = β₂v + (1 − β₂)·g·g`,
/// `p −= (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)`. Element-wise, so parallel chunks give
/// the same bits for any thread count.
public final class AdamW: @unchecked Sendable {
    public let config: AdamWConfig
    public let gradients: GradientStore
    /// First and second moments, aligned with `gradients.flat`.
    public let m: Tensor
    public let v: Tensor
    private(set) var segments: [Segment]

    struct Segment {
        let name: String
        let parameter: UnsafeMutablePointer<Float>
        /// Offset into the gradient and state buffers.
        let offset: Int
        let count: Int
        let decays: Bool
        var steps: Int
    }

    /// Fresh (zero) state for every parameter `gradients` holds. Parameters must be f32 (a trainable
    /// `ParameterStore`).
    public init(config: AdamWConfig, parameters: ParameterStore, gradients: GradientStore) {
        self.config = config
        self.gradients = gradients
        m = Tensor(zeros: [gradients.flat.count])
        v = Tensor(zeros: [gradients.flat.count])
        let base = gradients.flat.f32
        segments = gradients.names.map { name in
            let p = parameters[name]
            precondition(p.dtype == .f32, "AdamW needs f32 parameters; \(name) is \(p.dtype.rawValue)")
            return Segment(name: name, parameter: p.f32, offset: gradients.pointer(name)! - base, count: p.count,
                           decays: ParameterRoles.decays(name, decayNormsAndEmbeddings: config.decayNormsAndEmbeddings),
                           steps: 0)
        }
    }

    /// State for the parameters of `gradients`, carrying over the moments and step counts of those
    /// `previous` already tracked (e.g. when cross-attention warm-up ends and every parameter joins).
    public convenience init(config: AdamWConfig, parameters: ParameterStore, gradients: GradientStore, carrying previous: AdamW) {
        self.init(config: config, parameters: parameters, gradients: gradients)
        for old in previous.segments {
            guard let i = segments.firstIndex(where: { $0.name == old.name }) else { continue }
            let new = segments[i]
            (m.f32 + new.offset).update(from: previous.m.f32 + old.offset, count: old.count)
            (v.f32 + new.offset).update(from: previous.v.f32 + old.offset, count: old.count)
            segments[i].steps = old.steps
        }
    }

    /// Names of the parameters with optimizer state, in buffer order.
    public var names: [String] { segments.map(\.name) }

    /// Optimizer steps taken by `name` (0 for a parameter without state).
    public func steps(of name: String) -> Int { segments.first { $0.name == name }?.steps ?? 0 }

    /// Views of the first and second moments of `name`.
    public func moments(of name: String) -> (m: Tensor, v: Tensor)? {
        guard let s = segments.first(where: { $0.name == name }) else { return nil }
        let shape = gradients.tensor(name)!.shape
        return (Tensor(shape: shape, dtype: .f32, storage: m.storage, byteOffset: s.offset * 4),
                Tensor(shape: shape, dtype: .f32, storage: v.storage, byteOffset: s.offset * 4))
    }

    /// Restores the state of `name` (from a checkpoint, or to start a golden test from a known state).
    public func restore(_ name: String, m newM: UnsafePointer<Float>, v newV: UnsafePointer<Float>, steps: Int) {
        guard let i = segments.firstIndex(where: { $0.name == name }) else {
            preconditionFailure("AdamW has no state for \(name)")
        }
        let s = segments[i]
        (m.f32 + s.offset).update(from: newM, count: s.count)
        (v.f32 + s.offset).update(from: newV, count: s.count)
        segments[i].steps = steps
    }

    /// One update of every tracked parameter from the current gradients.
    public func step(learningRate lr: Double) {
        let timed = StepProfile.begin(.optimizer)
        defer { StepProfile.end(timed) }
        var constants: [SegmentConstants] = []
        constants.reserveCapacity(segments.count)
        for i in segments.indices {
            segments[i].steps += 1
            let t = Double(segments[i].steps)
            let correction1 = 1 - pow(config.beta1, t)
            let correction2 = 1 - pow(config.beta2, t)
            constants.append(SegmentConstants(
                decayFactor: segments[i].decays && config.weightDecay != 0 ? Float(1 - lr * config.weightDecay) : 1,
                stepSize: Float(lr / correction1), correction2Root: Float(correction2.squareRoot())))
        }
        let total = gradients.flat.count
        let g = UnsafePointer(gradients.flat.f32), mp = m.f32, vp = v.f32
        let w1 = Float(1 - config.beta1), b2 = Float(config.beta2), w2 = Float(1 - config.beta2)
        let eps = Float(config.epsilon)
        segments.withUnsafeBufferPointer { segs in
            constants.withUnsafeBufferPointer { consts in
                EngineThreads.parallelFor(total, minimumPerChunk: 1 << 15) { range in
                    var i = Self.firstSegment(segs, containing: range.lowerBound)
                    while i < segs.count && segs[i].offset < range.upperBound {
                        let s = segs[i], c = consts[i]
                        let lo = max(range.lowerBound, s.offset), hi = min(range.upperBound, s.offset + s.count)
                        Self.update(p: s.parameter + (lo - s.offset), g: g + lo, m: mp + lo, v: vp + lo, count: hi - lo,
                                    constants: c, w1: w1, b2: b2, w2: w2, eps: eps)
                        i += 1
                    }
                }
            }
        }
    }

    struct SegmentConstants {
        let decayFactor: Float
        let stepSize: Float
        let correction2Root: Float
    }

    /// The element-wise update, in PyTorch's operation order (lerp, addcmul, sqrt/div/add, addcdiv), in
    /// C with AVX2 (`dk_adamw_f32`, bitwise equal to its portable loop).
    @inline(__always)
    private static func update(p: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
                               v: UnsafeMutablePointer<Float>, count: Int, constants c: SegmentConstants,
                               w1: Float, b2: Float, w2: Float, eps: Float) {
        dk_adamw_f32(p, g, m, v, count, c.decayFactor, -c.stepSize, c.correction2Root, w1, b2, w2, eps)
    }

    /// Index of the segment holding buffer offset `offset` (segments are sorted and contiguous).
    private static func firstSegment(_ segs: UnsafeBufferPointer<Segment>, containing offset: Int) -> Int {
        var lo = 0, hi = segs.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if segs[mid].offset + segs[mid].count <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
