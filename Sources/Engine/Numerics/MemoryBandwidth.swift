import CKernels

/// The machine's streaming read bandwidth, the bound every decode step is measured against: decoding
/// one token reads every weight once, so tokens/s can never exceed bandwidth / weight bytes.
public enum MemoryBandwidth {
    /// Median GB/s of `repeats` parallel streaming reads over a `megabytes` buffer (large enough to
    /// defeat the caches), with the engine's thread count.
    public static func measure(megabytes: Int = 512, repeats: Int = 5) -> Double {
        let buffer = Tensor(zeros: [megabytes << 18])
        let p = buffer.f32
        for i in stride(from: 0, to: buffer.count, by: 1024) { p[i] = Float(i & 7) }
        var rates: [Double] = []
        for _ in 0..<max(1, repeats) {
            let start = nowMilliseconds()
            EngineThreads.parallelFor(buffer.count, minimumPerChunk: 1 << 20) { r in
                _ = dk_stream_sum(p + r.lowerBound, r.count)
            }
            let seconds = (nowMilliseconds() - start) / 1000
            rates.append(Double(buffer.byteCount) / 1e9 / seconds)
        }
        return rates.sorted()[rates.count / 2]
    }
}
