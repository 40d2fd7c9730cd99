/// Model FLOPs of training steps and the machine's measured matrix-multiply peak, for MFU.
///
/// MFU = achieved model FLOP/s ÷ peak. Model FLOPs follow PaLM / nanoGPT: a training step costs
/// three forward passes (forward, and backward twice as much), a forward costs 2 FLOPs per
/// multiply-add of every matrix product (projections, MLP, LM head; embedding lookups are free)
/// plus attention's `QKᵀ` and `PV` over the full key length (causal masking and sliding windows
/// are not discounted, as in PaLM's `12·L·H·Q·T`). Padding positions count: they are computed.
/// The peak is not a datasheet number but a measured large `sgemm` on this machine with the
/// engine's threads, the best any of the engine's kernels can do.
public enum TrainingThroughput {
    /// Training FLOPs of one batch of shape `batch × decoderLength` (and `encoderLength` for an
    /// encoder-decoder model).
    public static func flops(_ config: ModelConfig, batch: Int, encoderLength: Int, decoderLength: Int) -> Double {
        switch config {
        case let .gemma2(c):
            return 3 * Double(batch) * stackForward(c, length: decoderLength, crossLength: 0, lmHead: true)
        case let .t5gemma(c):
            let encoder = stackForward(c.encoder, length: encoderLength, crossLength: 0, lmHead: false)
            let decoder = stackForward(c.decoder, length: decoderLength, crossLength: encoderLength, lmHead: true)
            // Cross-attention keys and values: one projection of every encoder position per decoder layer.
            let crossKV = Double(c.decoder.numLayers) * Double(encoderLength) * 2 * 2
                * Double(c.decoder.crossAttentionHiddenSize ?? c.encoder.hiddenSize) * Double(c.decoder.kvDim)
            return 3 * Double(batch) * (encoder + decoder + crossKV)
        }
    }

    /// Forward FLOPs of one sequence of `length` positions through a stack.
    static func stackForward(_ c: Gemma2Config, length: Int, crossLength: Int, lmHead: Bool) -> Double {
        let d = Double(c.hiddenSize), q = Double(c.qDim), kv = Double(c.kvDim), f = Double(c.intermediateSize)
        let t = Double(length)
        var perToken = Double(c.numLayers) * (2 * (d * q + 2 * d * kv + q * d) + 2 * 3 * d * f + 2 * 2 * t * q)
        if crossLength > 0 {
            perToken += Double(c.numLayers) * (2 * 2 * d * q + 2 * 2 * Double(crossLength) * q)
        }
        if lmHead { perToken += 2 * d * Double(c.vocabSize) }
        return perToken * t
    }

    /// Best GFLOP/s of `n × n × n` sgemm over about `seconds` (after one warm-up call).
    public static func measurePeakGFLOPs(size n: Int = 1024, seconds: Double = 0.4) -> Double {
        let a = Tensor(zeros: [n * n]), b = Tensor(zeros: [n * n]), c = Tensor(zeros: [n * n])
        for i in 0..<(n * n) {
            a.f32[i] = Float(i % 13) * 0.01
            b.f32[i] = Float(i % 7) * 0.02
        }
        func multiply() {
            sgemm(.none, .none, m: n, n: n, k: n, a: a.f32, lda: n, b: b.f32, ldb: n, c: c.f32, ldc: n)
        }
        multiply()
        var best = 0.0
        let start = nowMilliseconds()
        repeat {
            let t0 = nowMilliseconds()
            multiply()
            let elapsed = (nowMilliseconds() - t0) / 1000
            best = max(best, 2 * Double(n) * Double(n) * Double(n) / elapsed / 1e9)
        } while (nowMilliseconds() - start) / 1000 < seconds
        return best
    }
}
