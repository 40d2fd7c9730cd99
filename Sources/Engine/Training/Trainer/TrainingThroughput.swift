import Foundation

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
            let merged = c.t5gemma2 != nil
            let decoder = stackForward(c.decoder, length: decoderLength, crossLength: encoderLength, lmHead: true, merged: merged)
            // Cross-attention keys and values: one projection of every encoder position per decoder layer.
            let crossKV = Double(c.decoder.numLayers) * Double(encoderLength) * 2 * 2
                * Double(c.decoder.crossAttentionHiddenSize ?? c.encoder.hiddenSize) * Double(c.decoder.kvDim)
            return 3 * Double(batch) * (encoder + decoder + crossKV)
        }
    }

    /// Forward FLOPs of reading a prompt of `tokens`: a decoder-only model's prefill (its LM head on the
    /// last position only, left out), an encoder-decoder's encoder pass.
    public static func promptForward(_ config: ModelConfig, tokens: Int) -> Double {
        switch config {
        case let .gemma2(c): stackForward(c, length: tokens, crossLength: 0, lmHead: false)
        case let .t5gemma(c): stackForward(c.encoder, length: tokens, crossLength: 0, lmHead: false)
        }
    }

    /// Forward FLOPs of one sequence of `length` positions through a stack; `merged` (T5Gemma 2) reads
    /// the encoder inside self-attention, with no query and output projections of its own.
    static func stackForward(_ c: Gemma2Config, length: Int, crossLength: Int, lmHead: Bool, merged: Bool = false) -> Double {
        let d = Double(c.hiddenSize), q = Double(c.qDim), kv = Double(c.kvDim), f = Double(c.intermediateSize)
        let t = Double(length)
        var perToken = Double(c.numLayers) * (2 * (d * q + 2 * d * kv + q * d) + 2 * 3 * d * f + 2 * 2 * t * q)
        if crossLength > 0 && merged {
            perToken += Double(c.numLayers) * 2 * 2 * Double(crossLength) * q
        } else if crossLength > 0 {
            perToken += Double(c.numLayers) * (2 * 2 * d * q + 2 * 2 * Double(crossLength) * q)
        }
        if lmHead { perToken += 2 * d * Double(c.vocabSize) }
        return perToken * t
    }

    /// Best GFLOP/s of `n × n × n` sgemm over about `seconds` (after one warm-up call).
    public static func measurePeakGFLOPs(size n: Int = 1024, seconds: Double = 0.4) -> Double {
        measurePeak(size: n, seconds: seconds).gflops
    }

    /// Measures the sgemm peak with the engine's threads: the best `n × n × n` call over about
    /// `seconds`, after warm-up calls that start OpenBLAS's threads and let the clocks ramp up.
    ///
    /// A short probe is at the mercy of whatever else runs: on a 2-core machine a compiler on one core
    /// halves it (33 instead of 66 GFLOP/s), which doubles every MFU divided by it. So the probe also
    /// reports the share of its threads' time it actually got, for callers to say how far to trust it;
    /// `duet train` measures once per machine and thread count and keeps the result.
    public static func measurePeak(size n: Int = 1024, seconds: Double = 2) -> PeakMeasurement {
        let a = Tensor(zeros: [n * n]), b = Tensor(zeros: [n * n]), c = Tensor(zeros: [n * n])
        for i in 0..<(n * n) {
            a.f32[i] = Float(i % 13) * 0.01
            b.f32[i] = Float(i % 7) * 0.02
        }
        func multiply() {
            sgemm(.none, .none, m: n, n: n, k: n, a: a.f32, lda: n, b: b.f32, ldb: n, c: c.f32, ldc: n)
        }
        for _ in 0..<3 { multiply() }
        let threads = EngineThreads.count
        var best = 0.0
        let start = nowMilliseconds(), cpuStart = processCPUSeconds()
        repeat {
            let t0 = nowMilliseconds()
            multiply()
            let elapsed = (nowMilliseconds() - t0) / 1000
            best = max(best, 2 * Double(n) * Double(n) * Double(n) / elapsed / 1e9)
        } while (nowMilliseconds() - start) / 1000 < seconds
        let wall = (nowMilliseconds() - start) / 1000
        let share = min(1, (processCPUSeconds() - cpuStart) / max(1e-9, wall * Double(threads)))
        return PeakMeasurement(gflops: best, size: n, seconds: wall, threads: threads, cpuShare: share)
    }

    /// CPU time used by every thread of this process so far.
    private static func processCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// One measurement of the sgemm peak (see ``TrainingThroughput/measurePeak(size:seconds:)``).
public struct PeakMeasurement: Sendable, Equatable {
    /// The best call's GFLOP/s.
    public var gflops: Double
    /// The matrices were `size × size`.
    public var size: Int
    /// How long the probe ran.
    public var seconds: Double
    /// Engine (and OpenBLAS) threads.
    public var threads: Int
    /// CPU time the process used during the probe ÷ (wall time × threads): near 1 when the probe had
    /// its cores to itself; lower when other processes shared them, and the peak is then likely low.
    public var cpuShare: Double

    /// A measurement as taken by ``TrainingThroughput/measurePeak(size:seconds:)`` (or read back from where it was kept).
    public init(gflops: Double, size: Int, seconds: Double, threads: Int, cpuShare: Double) {
        self.gflops = gflops
        self.size = size
        self.seconds = seconds
        self.threads = threads
        self.cpuShare = cpuShare
    }
}
