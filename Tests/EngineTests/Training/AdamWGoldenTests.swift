import Foundation
import Testing
@testable import Engine

/// Duet's clip + AdamW step against `torch.nn.utils.clip_grad_norm_` + `torch.optim.AdamW`
/// (tools/golden/make_optimizer_goldens.py) on the parameters and HF gradients of two model fixtures.
@Suite struct AdamWGoldenTests {
    @Test(arguments: ["gemma2-gqa", "t5gemma-balanced"]) func oneStepMatchesPyTorch(_ name: String) throws {
        let golden = try ModelGolden(name)
        let optimizerDirectory = fixturesDirectory().appendingPathComponent("optimizer")
        let doc = try #require(JSONSerialization.jsonObject(
            with: Data(contentsOf: optimizerDirectory.appendingPathComponent("adamw.json"))) as? [String: Any])
        let info = try #require((doc["cases"] as? [String: Any])?[name] as? [String: Any])
        let expected = try SafeTensorsFile(url: optimizerDirectory.appendingPathComponent("\(name).safetensors"))

        let config = try ModelConfigFile.load(directory: golden.directory)
        let parameters = try golden.parameters(layout: WeightLayout.expectedShapes(config))
        let before = Dictionary(uniqueKeysWithValues: parameters.names.map { ($0, parameters[$0].toArray()) })
        let grads = GradientStore(for: parameters)
        let optimizer = AdamW(config: AdamWConfig(beta1: try #require(doc["beta1"] as? Double),
                                                  beta2: try #require(doc["beta2"] as? Double),
                                                  epsilon: try #require(doc["eps"] as? Double),
                                                  weightDecay: try #require(doc["weight_decay"] as? Double)),
                              parameters: parameters, gradients: grads)
        let initialStep = try #require(doc["initial_step"] as? Int)
        for name in parameters.names {
            let g = try golden.tensors.tensor("grad." + name).toArray()
            try #require(g.count == parameters[name].count)
            grads.tensor(name)!.f32.update(from: g, count: g.count)
            // The script's starting state: r = g rotated by one, m = 0.5·r, v = r·r.
            let r = g.indices.map { g[($0 + g.count - 1) % g.count] }
            let m = r.map { 0.5 * $0 }, v = r.map { $0 * $0 }
            optimizer.restore(name, m: m, v: v, steps: initialStep)
        }
        let norm = GradientClipping.globalNorm(grads.flat.f32, count: grads.flat.count)
        let torchNorm = try #require(info["pre_clip_norm"] as? Double)
        #expect(abs(norm - torchNorm) / torchNorm < 1e-6, "pre-clip norm \(norm) vs torch \(torchNorm)")
        let clip = GradientClipping.clip(grads.flat.f32, count: grads.flat.count, norm: norm,
                                         maxNorm: try #require(info["max_norm"] as? Double))
        #expect(clip.clipped && abs(clip.scale - 0.5) < 1e-5)
        optimizer.step(learningRate: try #require(doc["lr"] as? Double))

        var worst = 0.0
        for name in parameters.names {
            let actual = parameters[name].toArray()
            let reference = try expected.tensor("param." + name).toArray()
            let old = before[name]!
            // Each element's update (Δ = new − old), compared relative to the update itself: the
            // update, not the weight, is what the optimizer computes.
            for i in actual.indices {
                let delta = Double(reference[i]) - Double(old[i])
                let error = abs(Double(actual[i]) - Double(reference[i]))
                // Two f32 ulps of the weight: below that no stored result can be more exact (PyTorch's
                // vectorised lerp fuses a multiply-add; Duet rounds each operation).
                let resolution = 2 * Double(reference[i].ulp)
                let relative = error <= resolution ? 0 : error / max(abs(delta), 1e-12)
                worst = max(worst, relative)
                if relative > 1e-5 {
                    Issue.record("\(name)[\(i)]: \(actual[i]) vs torch \(reference[i]) (update \(delta))")
                    return
                }
            }
            #expect(optimizer.steps(of: name) == initialStep + 1)
        }
        #expect(worst <= 1e-5)
    }
}
