import ArgumentParser
import Dispatch
import DuetCLI
import Engine
import Foundation

/// `duet bench kernels`: throughput of the numeric building blocks on this machine: OpenBLAS sgemm
/// (square and Gemma 2 2B MLP shapes), the bf16 GEMV used for decode, streaming memory bandwidth,
/// and the engine's own attention / activation kernels. Each figure is min / median / max over
/// `--repeats` timed runs after one warm-up run; the GEMV is also given as a fraction of the
/// bandwidth measured in the same run (decode streams every weight once per token, so that ratio is
/// how close it runs to the machine's limit).
package struct BenchKernelsCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "kernels", abstract: "Measure GEMM, bf16 and int8 GEMV, memory bandwidth and attention kernels.")

    package init() {}

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Timed runs per measurement (after one warm-up run).")
    var repeats: Int = 5

    package func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
    }

    package func run() throws {
        global.apply()
        print("duet bench kernels: \(EngineThreads.count) threads, OpenBLAS \(BLASInfo.coreDescription), cpu: \(EngineInfo.cpuFeatures.joined(separator: " "))")
        // Wall-clock timings: other processes competing for the cores lower every figure.
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ")
        print("each figure: min / median / max over \(repeats) runs (wall clock; load average \(load ?? "unknown"))")
        let table = BenchTable()

        // --- sgemm
        table.section("OpenBLAS sgemm (f32), GFLOP/s")
        let square = Tensor(zeros: [1024, 1024]), squareB = Tensor(zeros: [1024, 1024]), squareC = Tensor(zeros: [1024, 1024])
        fill(square); fill(squareB)
        table.row("1024 x 1024 x 1024", unit: "GFLOP/s", rates(work: 2 * 1024 * 1024 * 1024 / 1e9) {
            sgemm(.none, .none, m: 1024, n: 1024, k: 1024, a: square.f32, lda: 1024, b: squareB.f32, ldb: 1024, c: squareC.f32, ldc: 1024)
        })
        let up = Tensor(zeros: [9216, 2304]), down = Tensor(zeros: [2304, 9216])
        fill(up); fill(down)
        let x = Tensor(zeros: [128, 9216]), y = Tensor(zeros: [128, 9216])
        fill(x)
        for (name, w) in [("2304 -> 9216 (gate/up)", up), ("9216 -> 2304 (down)", down)] {
            let outF = w.shape[0], inF = w.shape[1]
            for m in [1, 8, 128] {
                table.row("M=\(m) \(name)", unit: "GFLOP/s", rates(work: 2 * Double(m * inF * outF) / 1e9) {
                    sgemm(.none, .transposed, m: m, n: outF, k: inF, a: x.f32, lda: inF, b: w.f32, ldb: inF, c: y.f32, ldc: outF)
                })
            }
        }

        // --- prefill with 16-bit and int8 weights: blocks of W widened to f32, then sgemm
        for m in [16, 128] {
        table.section("prefill Linear.forward M=\(m), GFLOP/s (f32 = plain sgemm on the same shape)")
        for (name, w) in [("2304 -> 9216 (gate/up)", up), ("9216 -> 2304 (down)", down)] {
            let outF = w.shape[0], inF = w.shape[1], work = 2 * Double(m * inF * outF) / 1e9
            var medians: [DType: Double] = [:]
            for dtype in [DType.f32, .bf16, .i8] {
                let weight = dtype == .f32 ? w : w.converted(to: dtype)
                let r = rates(work: work) { Linear.forward(x.f32, rows: m, weight: weight, into: y.f32) }
                medians[dtype] = median(r)
                table.row("\(dtype.rawValue) \(name)", unit: "GFLOP/s", r)
            }
            table.note(String(format: "%@: bf16 / f32 = %.2f, int8 / f32 = %.2f", name,
                              medians[.bf16]! / medians[.f32]!, medians[.i8]! / medians[.f32]!))
        }
        }

        // --- memory bandwidth
        let stream = Tensor(zeros: [128 << 20]) // 512 MB
        fill(stream)
        let streamBytes = Double(stream.byteCount)
        let threads = EngineThreads.count
        table.section("streaming read of 512 MB, GB/s")
        let oneThread = rates(work: streamBytes / 1e9) { _ = VectorOps.sum(stream.f32, count: stream.count) }
        table.row("1 thread", unit: "GB/s", oneThread)
        let allThreads = rates(work: streamBytes / 1e9) {
            EngineThreads.parallelFor(stream.count, minimumPerChunk: 1 << 20) { r in
                _ = VectorOps.sum(stream.f32 + r.lowerBound, count: r.count)
            }
        }
        table.row("\(threads) threads", unit: "GB/s", allThreads)

        // --- bf16 and int8 GEMV (decode). Each call reads the next of several copies (256 MB in all),
        // so the weights stream from memory as in a real decode, not from the last-level cache.
        for dtype in [DType.bf16, .i8] {
            table.section("\(dtype == .i8 ? "int8 (Q8)" : "bf16") GEMV, Linear.forward rows=1 (\(threads) threads)")
            for (name, source) in [("[9216, 2304]", up), ("[2304, 9216]", down)] {
                let first = source.converted(to: dtype)
                let bytes = first.byteCount + (first.scales?.byteCount ?? 0)
                let copies = [first] + (1..<max(1, (256 << 20) / bytes)).map { _ in first.copy() }
                var next = 0
                let outF = first.shape[0], inF = first.shape[1]
                let seconds = times {
                    Linear.forward(x.f32, rows: 1, weight: copies[next % copies.count], into: y.f32)
                    next += 1
                }
                table.row("\(name) compute", unit: "GFLOP/s", seconds.map { 2 * Double(outF * inF) / 1e9 / $0 })
                let gbs = seconds.map { Double(bytes) / 1e9 / $0 }
                table.row("\(name) weight stream", unit: "GB/s", gbs)
                table.note("\(name) median weight stream / median \(threads)-thread read bandwidth = "
                           + String(format: "%.2f", median(gbs) / median(allThreads)))
            }
        }

        // --- the int8 kernel's instruction sets on cache-resident weights (compute, not memory, bound):
        // what VNNI's one-instruction block product buys where it is present.
        table.section("int8 (Q8) GEMV kernel variants, [768, 768] weights in cache (1 thread)")
        let small = Tensor(shape: [768, 768], values: (0..<(768 * 768)).map { Float(($0 * 7919) % 255) / 127 - 1 })
            .converted(to: .i8)
        let smallX = Tensor(shape: [768], values: (0..<768).map { Float(($0 * 104_729) % 255) / 127 - 1 }).converted(to: .i8)
        let smallY = Tensor(zeros: [768])
        var variantRates: [String: Double] = [:]
        for kernel in Q8Kernel.available {
            let r = rates(work: 2 * 768 * 768 / 1e9) { kernel.gemv(weights: small, input: smallX, into: smallY.f32) }
            variantRates[kernel.rawValue] = median(r)
            table.row(kernel.rawValue, unit: "GFLOP/s", r)
        }
        if let base = variantRates["avx2"] {
            for (name, rate) in variantRates.sorted(by: { $0.key < $1.key }) where name != "avx2" {
                table.note(String(format: "%@ / avx2 = %.2f (the decode path runs %@)", name, rate / base, EngineInfo.int8Kernel))
            }
        }

        // --- engine kernels
        table.section("engine kernels")
        let heads = 8, kvHeads = 4, hd = 256
        let cacheLength = 4096
        let q = Tensor(zeros: [2048, heads * hd]), out = Tensor(zeros: [2048, heads * hd])
        let keys = Tensor(zeros: [cacheLength, kvHeads * hd]), values = Tensor(zeros: [cacheLength, kvHeads * hd])
        fill(q); fill(keys); fill(values)
        let decodeShape = AttentionShape(batch: 1, queryLength: 1, keyLength: cacheLength, heads: heads, kvHeads: kvHeads, headDim: hd)
        let decodeMask = AttentionMask(causal: true, queryOffset: cacheLength - 1)
        let decodeBytes = Double(2 * cacheLength * kvHeads * hd * 4)
        let decode = times {
            Attention.forward(q: q.f32, k: keys.f32, v: values.f32, shape: decodeShape, mask: decodeMask, scale: 0.0625,
                              softCap: 50, probs: nil, into: out.f32)
        }
        table.row("attention decode S=4096 (8 heads, 4 kv, hd 256) K+V read", unit: "GB/s", decode.map { decodeBytes / 1e9 / $0 })
        for length in [512, 2048] {
            let prefillShape = AttentionShape(batch: 1, queryLength: length, keyLength: length, heads: heads, kvHeads: kvHeads, headDim: hd)
            // Causal: q.k and P.v over the visible half.
            let prefillFlops = 4 * Double(heads * hd) * Double(length) * Double(length + 1) / 2 / 1e9
            table.row("attention prefill causal T=S=\(length) (visible FLOPs)", unit: "GFLOP/s", rates(work: prefillFlops) {
                Attention.forward(q: q.f32, k: keys.f32, v: values.f32, shape: prefillShape, mask: AttentionMask(causal: true),
                                  scale: 0.0625, softCap: 50, probs: nil, into: out.f32)
            })
        }
        let n = 128 * 9216
        table.row("GeGLU forward, 128 x 9216", unit: "Gelem/s", rates(work: Double(n) / 1e9) {
            GeGLU.forward(gate: x.f32, up: stream.f32, count: n, into: y.f32)
        })
        let norm = Tensor(zeros: [2304])
        table.row("RMSNorm forward, 128 x 2304", unit: "Gelem/s", rates(work: Double(128 * 2304) / 1e9) {
            RMSNorm.forward(x.f32, weight: norm.f32, rows: 128, dim: 2304, eps: 1e-6, into: y.f32, rstd: nil)
        })
        table.print()
    }

    /// Seconds per run: one warm-up, then `repeats` timed runs.
    private func times(_ body: () -> Void) -> [Double] {
        body()
        return (0..<repeats).map { _ in
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
    }

    /// `work` units per second for each timed run.
    private func rates(work: Double, _ body: () -> Void) -> [Double] { times(body).map { work / $0 } }

    /// Small deterministic values (no denormals, no zeros that could shortcut anything).
    private func fill(_ t: Tensor) {
        let p = t.f32
        EngineThreads.parallelFor(t.count, minimumPerChunk: 1 << 20) { r in
            for i in r { p[i] = Float((i &* 2_654_435_761) & 1023) / 1024 - 0.5 }
        }
    }
}

private func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Collects rows and prints them aligned.
private final class BenchTable {
    private var lines: [(label: String, unit: String, values: [Double]?)] = []

    func section(_ title: String) { lines.append((title, "", nil)) }
    func note(_ text: String) { lines.append(("  " + text, "note", nil)) }
    func row(_ label: String, unit: String, _ values: [Double]) { lines.append(("  " + label, unit, values)) }

    func print() {
        let width = lines.filter { $0.values != nil }.map(\.label.count).max() ?? 0
        for line in lines {
            guard let values = line.values else {
                Swift.print(line.unit == "note" ? line.label : "\n" + line.label)
                continue
            }
            let s = values.sorted()
            let cells = [s.first!, median(s), s.last!].map { pad(format($0), 9) }.joined()
            Swift.print(line.label.padding(toLength: width + 2, withPad: " ", startingAt: 0) + cells + "  " + line.unit)
        }
    }

    private func format(_ v: Double) -> String {
        v >= 100 ? String(format: "%.0f", v) : v >= 10 ? String(format: "%.1f", v) : String(format: "%.2f", v)
    }

    private func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
}
