import Foundation
import Testing
@testable import Engine

/// Kernels against values computed by Hugging Face transformers / PyTorch themselves
/// (tools/golden/kernel_goldens.py -> Tests/Fixtures/kernels/kernels-golden.json).
@Suite struct KernelGoldenTests {
    struct Golden: Decodable {
        struct Pair: Decodable { var x: [Float], y: [Float] }
        struct Norm: Decodable { var rows: Int, dim: Int, eps: Float, x: [Float], w: [Float], y: [Float] }
        struct Rope: Decodable { var headDim: Int, theta: Float, heads: Int, positions: [Int32], x: [Float], y: [Float] }
        struct Attn: Decodable {
            var batch: Int, length: Int, heads: Int, kvHeads: Int, headDim: Int, window: Int
            var scale: Float, softCap: Float, keyValid: [Bool]
            var q: [Float], k: [Float], v: [Float], out: [Float], probs: [Float]
        }
        struct CE: Decodable { var rows: Int, vocab: Int, logits: [Float], targets: [Int32], lossSum: Double, count: Int }
        var gelu: Pair, rmsnorm: Norm, rope: Rope, attention: Attn, crossEntropy: CE
    }

    static let golden: Golden = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/kernels/kernels-golden.json")
        let data = try! Data(contentsOf: url)
        return try! JSONDecoder().decode(Golden.self, from: data)
    }()

    @Test func geluMatchesPyTorch() {
        let g = Self.golden.gelu
        var y = [Float](repeating: 0, count: g.x.count)
        GeLU.forward(g.x, count: g.x.count, into: &y)
        // PyTorch evaluates 0.5·x·(1 + tanh u) in f32 (cancellation for x << 0); absolute agreement.
        for i in 0..<y.count { #expect(abs(y[i] - g.y[i]) <= 1e-6 * max(1, abs(g.y[i])), "x = \(g.x[i])") }
    }

    @Test func rmsNormMatchesGemma2RMSNorm() {
        let g = Self.golden.rmsnorm
        var y = [Float](repeating: 0, count: g.x.count)
        RMSNorm.forward(g.x, weight: g.w, rows: g.rows, dim: g.dim, eps: g.eps, into: &y, rstd: nil)
        #expect(maxScaledError(y, g.y.map(Double.init)) < 1e-6)
    }

    @Test func ropeMatchesGemma2RotaryEmbedding() {
        let g = Self.golden.rope
        var x = g.x
        RoPE(headDim: g.headDim, theta: g.theta).forward(&x, tokens: g.positions.count, heads: g.heads, positions: g.positions)
        // cos/sin of large angles (position 8191) may differ by an ulp between libm and PyTorch.
        #expect(maxScaledError(x, g.y.map(Double.init)) < 2e-6)
    }

    @Test func attentionMatchesEagerGemma2WithPaddedRows() {
        let g = Self.golden.attention
        let shape = AttentionShape(batch: g.batch, queryLength: g.length, keyLength: g.length, heads: g.heads,
                                   kvHeads: g.kvHeads, headDim: g.headDim)
        for strategy in Attention.Strategy.allCases {
            var out = [Float](repeating: .nan, count: g.out.count), probs = [Float](repeating: .nan, count: g.probs.count)
            g.keyValid.withUnsafeBufferPointer { valid in
                let mask = AttentionMask(causal: true, window: g.window, keyValid: valid.baseAddress)
                Attention.forward(q: g.q, k: g.k, v: g.v, shape: shape, mask: mask, scale: g.scale, softCap: g.softCap,
                                  kvBatchStride: nil, probs: &probs, into: &out, strategy: strategy)
            }
            #expect(maxScaledError(out, g.out.map(Double.init)) < 2e-6, "\(strategy)")
            #expect(maxScaledError(probs, g.probs.map(Double.init)) < 2e-6, "\(strategy)")
        }
    }

    @Test func crossEntropyMatchesPyTorch() {
        let g = Self.golden.crossEntropy
        let result = CrossEntropy.forward(logits: g.logits, targets: g.targets, rows: g.rows, vocab: g.vocab, dLogits: nil)
        #expect(result.count == g.count)
        #expect(abs(result.loss - g.lossSum) < 1e-5 * abs(g.lossSum))
    }
}
