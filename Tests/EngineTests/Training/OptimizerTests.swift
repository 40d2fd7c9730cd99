import CKernels
import Foundation
import Testing
import TestSupport
@testable import Engine

@Suite struct LearningRateScheduleTests {
    @Test func warmupThenCosineToTheFloor() {
        let s = LearningRateSchedule(peak: 1e-3, warmupSteps: 10, totalSteps: 110, decay: .cosine, minimumFraction: 0.1)
        #expect(abs(s.learningRate(at: 0) - 1e-4) < 1e-15)
        #expect(abs(s.learningRate(at: 4) - 5e-4) < 1e-15)
        #expect(abs(s.learningRate(at: 9) - 1e-3) < 1e-15)
        #expect(abs(s.learningRate(at: 10) - 1e-3) < 1e-15)
        // Half-way through the cosine: the mean of peak and floor.
        #expect(abs(s.learningRate(at: 60) - 0.55e-3) < 1e-12)
        // A quarter: floor + (peak − floor)·½(1 + cos(π/4)).
        #expect(abs(s.learningRate(at: 35) - (1e-4 + 9e-4 * 0.5 * (1 + cos(Double.pi / 4)))) < 1e-12)
        #expect(abs(s.learningRate(at: 110) - 1e-4) < 1e-15)
        #expect(abs(s.learningRate(at: 500) - 1e-4) < 1e-15)
        // Monotone after warm-up.
        for step in 10..<110 { #expect(s.learningRate(at: step + 1) <= s.learningRate(at: step)) }
    }

    @Test func constantAfterWarmup() {
        let s = LearningRateSchedule(peak: 2e-4, warmupSteps: 4, totalSteps: 100, decay: .constant)
        #expect(s.learningRate(at: 0) == 0.5e-4)
        #expect(s.learningRate(at: 3) == 2e-4)
        #expect(s.learningRate(at: 50) == 2e-4)
        #expect(s.learningRate(at: 99) == 2e-4)
    }

    @Test func noWarmupStartsAtThePeak() {
        let s = LearningRateSchedule(peak: 1, warmupSteps: 0, totalSteps: 10, decay: .cosine, minimumFraction: 0)
        #expect(s.learningRate(at: 0) == 1)
        #expect(abs(s.learningRate(at: 5) - 0.5) < 1e-12)
    }
}

@Suite struct GradientClippingTests {
    @Test func normMatchesDoubleReferenceAndClipsToTheLimit() {
        var rng = TestRandom(seed: 7)
        let values = rng.floats(200_003, -3, 3)
        let g = Pinned(values)
        let reference = values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let norm = GradientClipping.globalNorm(g.pointer, count: g.count)
        #expect(abs(norm - reference) / reference < 1e-7)
        let result = GradientClipping.clip(g.pointer, count: g.count, norm: norm, maxNorm: 10)
        #expect(result.clipped)
        let after = GradientClipping.globalNorm(g.pointer, count: g.count)
        #expect(abs(after - 10) < 1e-3)
        // Direction kept.
        for i in stride(from: 0, to: g.count, by: 997) { #expect(abs(g.pointer[i] - values[i] * result.scale) == 0) }
    }

    @Test func belowTheLimitNothingChanges() {
        let g = Pinned<Float>([3, 4])
        let norm = GradientClipping.globalNorm(g.pointer, count: 2)
        #expect(norm == 5)
        let result = GradientClipping.clip(g.pointer, count: 2, norm: norm, maxNorm: 5.1)
        #expect(!result.clipped && result.scale == 1)
        #expect(g.array == [3, 4])
    }

    @Test func nonFiniteGradientsGiveANonFiniteNorm() {
        let withNaN = Pinned<Float>([1, .nan, 2]), withInfinity = Pinned<Float>([1, .infinity])
        #expect(!GradientClipping.globalNorm(withNaN.pointer, count: withNaN.count).isFinite)
        #expect(!GradientClipping.globalNorm(withInfinity.pointer, count: withInfinity.count).isFinite)
    }
}

@Suite struct AdamWTests {
    /// A store of two parameters, one decayed (`w`), one not (a norm).
    func makeStore() -> ParameterStore {
        ParameterStore(trainableCopyOf: [
            ("model.layers.0.mlp.up_proj.weight", Tensor(shape: [2, 3], values: [0.5, -1, 2, 0, 0.25, -0.75])),
            ("model.layers.0.input_layernorm.weight", Tensor(shape: [3], values: [0.1, -0.2, 0.3])),
        ])
    }

    @Test func firstStepsFollowTheFormulaInDouble() {
        let store = makeStore()
        let grads = GradientStore(for: store)
        let config = AdamWConfig(beta1: 0.9, beta2: 0.99, epsilon: 1e-8, weightDecay: 0.1)
        let adam = AdamW(config: config, parameters: store, gradients: grads)
        var p = store.flat!.toArray().map(Double.init)
        var m = [Double](repeating: 0, count: p.count), v = m
        let decays = [true, true, true, true, true, true, false, false, false]
        let gradients: [[Float]] = [[0.1, -0.2, 0.3, 0, 1, -1, 0.5, 0.05, -0.3], [-0.4, 0.1, 0.2, 0.3, -0.5, 2, 0.01, -0.02, 0.6]]
        for (t, g) in gradients.enumerated() {
            grads.flat.f32.update(from: g, count: g.count)
            let lr = 0.01 * Double(t + 1)
            adam.step(learningRate: lr)
            let c1 = 1 - pow(0.9, Double(t + 1)), c2 = 1 - pow(0.99, Double(t + 1))
            for i in p.indices {
                if decays[i] { p[i] *= 1 - lr * 0.1 }
                m[i] = 0.9 * m[i] + 0.1 * Double(g[i])
                v[i] = 0.99 * v[i] + 0.01 * Double(g[i]) * Double(g[i])
                p[i] -= lr / c1 * m[i] / (v[i].squareRoot() / c2.squareRoot() + 1e-8)
            }
            let actual = store.flat!.toArray()
            for i in p.indices { #expect(abs(Double(actual[i]) - p[i]) < 1e-6, "element \(i) after step \(t + 1)") }
        }
        #expect(adam.steps(of: "model.layers.0.mlp.up_proj.weight") == 2)
    }

    @Test func noDecayOnNormsAndEmbeddingsUnlessAsked() {
        #expect(!ParameterRoles.decays("model.layers.3.post_feedforward_layernorm.weight", decayNormsAndEmbeddings: false))
        #expect(!ParameterRoles.decays("model.norm.weight", decayNormsAndEmbeddings: false))
        #expect(!ParameterRoles.decays("model.encoder.embed_tokens.weight", decayNormsAndEmbeddings: false))
        #expect(ParameterRoles.decays("model.decoder.layers.0.cross_attn.k_proj.weight", decayNormsAndEmbeddings: false))
        #expect(ParameterRoles.decays("model.norm.weight", decayNormsAndEmbeddings: true))
        // With a zero gradient, only decay moves a weight.
        let store = makeStore()
        let grads = GradientStore(for: store)
        let adam = AdamW(config: AdamWConfig(weightDecay: 0.5), parameters: store, gradients: grads)
        let before = store.flat!.toArray()
        adam.step(learningRate: 0.1)
        let after = store.flat!.toArray()
        for i in 0..<6 { #expect(after[i] == before[i] * Float(1 - 0.1 * 0.5)) }
        for i in 6..<9 { #expect(after[i] == before[i]) }
    }

    /// The AVX2 AdamW update gives the portable loop's bits (no fused multiply-add on either side), over
    /// a length with a vector body and a tail, with and without decay.
    @Test func vectorUpdateIsBitwiseThePortableLoop() {
        var rng = TestRandom(seed: 41)
        let n = 1003
        let g = rng.floats(n).map { $0 * 3 }, p0 = rng.floats(n), m0 = rng.floats(n).map { $0 * 0.1 }
        let v0 = rng.floats(n).map { $0 * $0 * 0.01 }
        for decay: Float in [1, 0.9999] {
            var (p1, m1, v1) = (p0, m0, v0), (p2, m2, v2) = (p0, m0, v0)
            dk_adamw_f32(&p1, g, &m1, &v1, n, decay, -1e-3, 0.3, 0.1, 0.95, 0.05, 1e-8)
            dk_adamw_f32_reference(&p2, g, &m2, &v2, n, decay, -1e-3, 0.3, 0.1, 0.95, 0.05, 1e-8)
            #expect(p1.map(\.bitPattern) == p2.map(\.bitPattern))
            #expect(m1.map(\.bitPattern) == m2.map(\.bitPattern) && v1.map(\.bitPattern) == v2.map(\.bitPattern))
            #expect(p1 != p0)
        }
    }
}
