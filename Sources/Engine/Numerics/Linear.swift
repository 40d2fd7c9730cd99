import CBLAS
import CKernels

/// Dense layers without bias, the only kind Gemma has: `y[T, out] = x[T, in] · Wᵀ` with `W` stored
/// `[out, in]` (PyTorch's layout) in f32, bf16 or f16. Forward handles every weight dtype; backward
/// (training) requires f32 weights.
public enum Linear {
    /// Rows at or below this count take the GEMV path (decode): the 16-bit weights are widened in
    /// registers and streamed once per row of `x`.
    public static let gemvRowLimit = 4
    /// bf16 and int8 weights, rows above `gemvRowLimit` up to this count (short prompts) take the skinny-GEMM
    /// kernel that streams W once, widening in registers; more rows go to widened blocks and sgemm,
    /// whose widening cost is then spread over enough rows. Measured on Gemma 2 2B shapes (AVX-512
    /// VM, 2 threads): the kernel ~95 GFLOP/s at 16 rows, sgemm after widening below that.
    public static let skinnyRowLimit = 16

    /// `y = x · Wᵀ` (or `y += x · Wᵀ` when `accumulate`). `x` is `[rows, in]`, `y` is `[rows, out]`,
    /// both contiguous f32.
    public static func forward(_ x: UnsafePointer<Float>, rows: Int, weight w: Tensor,
                               into y: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        let timed = StepProfile.begin(.gemmForward)
        defer { StepProfile.end(timed) }
        precondition(w.rank == 2, "Linear weight must be 2-D, got \(w.shape)")
        let outF = w.shape[0], inF = w.shape[1]
        if rows == 0 || outF == 0 { return }
        if w.layout == .bf16Panels {
            panelsBF16(x, rows: rows, weight: w, into: y, accumulate: accumulate)
            return
        }
        switch w.dtype {
        case .f32 where rows <= gemvRowLimit:
            // sgemm with M = 1 runs far below bandwidth in OpenBLAS; sgemv streams W once per row.
            for r in 0..<rows {
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(outF), Int32(inF), 1, w.f32, Int32(inF),
                            x + r * inF, 1, accumulate ? 1 : 0, y + r * outF, 1)
            }
        case .f32:
            sgemm(.none, .transposed, m: rows, n: outF, k: inF, a: x, lda: inF, b: w.f32, ldb: inF,
                  beta: accumulate ? 1 : 0, c: y, ldc: outF)
        case .bf16, .f16:
            if rows <= gemvRowLimit {
                gemv16(x, rows: rows, weight: w, into: y, accumulate: accumulate)
            } else if w.dtype == .bf16 && rows <= skinnyRowLimit && !accumulate {
                skinnyBF16(x, rows: rows, weight: w, into: y)
            } else {
                blockedGemm(x, rows: rows, weight: w, into: y, accumulate: accumulate) { first, count, block in
                    HalfPrecision.widen(w.raw + first * inF * 2, dtype: w.dtype, into: block, count: count * inF)
                }
            }
        case .i8:
            if rows <= gemvRowLimit {
                gemvQ8(x, rows: rows, weight: w, into: y, accumulate: accumulate)
            } else if rows <= skinnyRowLimit && !accumulate {
                skinnyQ8(x, rows: rows, weight: w, into: y)
            } else {
                blockedGemm(x, rows: rows, weight: w, into: y, accumulate: accumulate) { first, count, block in
                    Q8.dequantize(w, elements: first * inF..<(first + count) * inF, into: block)
                }
            }
        }
    }

    /// bf16 weights packed into panels (``TensorLayout/bf16Panels``), any number of rows: the workers
    /// split the panels, each multiplying every row of `x` with its panels in one pass.
    private static func panelsBF16(_ x: UnsafePointer<Float>, rows: Int, weight w: Tensor,
                                   into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let outF = w.shape[0], inF = w.shape[1]
        let panels = dk_bf16_panel_count(outF)
        // Enough panels per worker that a hand-off costs little next to the work (decode: 16 KB+ of weights).
        let minimum = max(1, 32 / max(1, min(rows, 8)))
        EngineThreads.parallelFor(panels, minimumPerChunk: minimum) { range in
            if KernelCancellation.isCancelled { return }  // a cancelled inference discards the output
            dk_gemm_bf16_panels(x, inF, rows, w.u16, outF, inF, range.lowerBound, range.count, y, outF, accumulate ? 1 : 0)
        }
    }

    /// 16-bit weights, few rows: parallel over output features, each worker streaming its slice of W.
    private static func gemv16(_ x: UnsafePointer<Float>, rows: Int, weight w: Tensor,
                               into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let outF = w.shape[0], inF = w.shape[1]
        let base = w.u16
        let isBF16 = w.dtype == .bf16
        EngineThreads.parallelFor(outF, minimumPerChunk: 256) { range in
            let n = range.count
            // Stack scratch for accumulate mode; chunks are bounded by outF.
            withUnsafeTemporaryAllocation(of: Float.self, capacity: accumulate ? n : 0) { tmp in
                for r in 0..<rows {
                    let dst = accumulate ? tmp.baseAddress! : y + r * outF + range.lowerBound
                    let wp = base + range.lowerBound * inF
                    if isBF16 { dk_gemv_bf16(wp, inF, x + r * inF, dst, n, inF) }
                    else { dk_gemv_f16(wp, inF, x + r * inF, dst, n, inF) }
                    if accumulate {
                        let yr = y + r * outF + range.lowerBound
                        for i in 0..<n { yr[i] += dst[i] }
                    }
                }
            }
        }
    }

    /// bf16 weights, a short prompt: every worker streams its slice of W once for all rows of `x`.
    private static func skinnyBF16(_ x: UnsafePointer<Float>, rows: Int, weight w: Tensor, into y: UnsafeMutablePointer<Float>) {
        let outF = w.shape[0], inF = w.shape[1]
        let base = w.u16
        EngineThreads.parallelFor(outF, minimumPerChunk: 64) { range in
            dk_gemm_rows_bf16(base + range.lowerBound * inF, inF, x, inF, y + range.lowerBound, outF,
                              range.count, inF, rows)
        }
    }

    /// Int8 weights, a short prompt: every worker streams its slice of W (and its block scales) once for
    /// all rows of `x`, dequantizing in registers instead of into a buffer for sgemm.
    private static func skinnyQ8(_ x: UnsafePointer<Float>, rows: Int, weight w: Tensor, into y: UnsafeMutablePointer<Float>) {
        let outF = w.shape[0], inF = w.shape[1], blocks = inF / Q8.blockSize
        let values = w.raw.assumingMemoryBound(to: Int8.self), scales = w.scales!.f32
        EngineThreads.parallelFor(outF, minimumPerChunk: 64) { range in
            dk_gemm_rows_q8(values + range.lowerBound * inF, scales + range.lowerBound * blocks, inF, x, inF,
                            y + range.lowerBound, outF, range.count, inF, rows)
        }
    }

    /// Int8 weights, few rows: each row of `x` is quantized to int8 blocks once, then every worker
    /// streams its slice of W through integer block dot products (``Q8``).
    private static func gemvQ8(_ x: UnsafePointer<Float>, rows: Int, weight w: Tensor,
                               into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let outF = w.shape[0], inF = w.shape[1], blocks = inF / Q8.blockSize
        let values = w.raw.assumingMemoryBound(to: Int8.self), scales = w.scales!.f32
        withUnsafeTemporaryAllocation(of: Int8.self, capacity: rows * inF) { xq in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: rows * blocks) { xs in
                for r in 0..<rows {
                    dk_quantize_q8(x + r * inF, inF, xq.baseAddress! + r * inF, xs.baseAddress! + r * blocks)
                }
                EngineThreads.parallelFor(outF, minimumPerChunk: 256) { range in
                    let n = range.count
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: accumulate ? n : 0) { tmp in
                        for r in 0..<rows {
                            let dst = accumulate ? tmp.baseAddress! : y + r * outF + range.lowerBound
                            dk_gemv_q8(values + range.lowerBound * inF, scales + range.lowerBound * blocks, inF,
                                       xq.baseAddress! + r * inF, xs.baseAddress! + r * blocks, dst, n, inF)
                            if accumulate {
                                let yr = y + r * outF + range.lowerBound
                                for i in 0..<n { yr[i] += dst[i] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// 16-bit or int8 weights, many rows: widen blocks of W's rows into a small f32 buffer (never the
    /// whole matrix) with `widenRows(first, count, into)` and multiply each block with sgemm into the
    /// matching columns of `y`.
    private static func blockedGemm(_ x: UnsafePointer<Float>, rows: Int, weight w: Tensor,
                                    into y: UnsafeMutablePointer<Float>, accumulate: Bool,
                                    widenRows: (Int, Int, UnsafeMutablePointer<Float>) -> Void) {
        let outF = w.shape[0], inF = w.shape[1]
        let blockRows = min(outF, max(32, (1 << 20) / max(1, inF)))
        let block = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * inF)
        defer { block.deallocate() }
        var r0 = 0
        while r0 < outF {
            if KernelCancellation.isCancelled { return }  // a cancelled inference discards the output
            let n = min(blockRows, outF - r0)
            EngineThreads.parallelFor(n, minimumPerChunk: 8) { range in
                widenRows(r0 + range.lowerBound, range.count, block + range.lowerBound * inF)
            }
            sgemm(.none, .transposed, m: rows, n: n, k: inF, a: x, lda: inF, b: block, ldb: inF,
                  beta: accumulate ? 1 : 0, c: y + r0, ldc: outF)
            r0 += n
        }
    }

    /// Backward of `y = x · Wᵀ` for f32 weights: `dx (+)= dy · W` (skipped when `dx` is nil) and
    /// `dW += dyᵀ · x` (skipped when `dW` is nil, e.g. a frozen weight).
    public static func backward(_ dy: UnsafePointer<Float>, x: UnsafePointer<Float>, rows: Int,
                                weight w: Tensor, dx: UnsafeMutablePointer<Float>?, accumulateDx: Bool = false,
                                dW: UnsafeMutablePointer<Float>?) {
        let timed = StepProfile.begin(.gemmBackward)
        defer { StepProfile.end(timed) }
        let outF = w.shape[0], inF = w.shape[1]
        if let dx {
            precondition(w.dtype == .f32, "Linear.backward needs f32 weights, got \(w.dtype)")
            sgemm(.none, .none, m: rows, n: inF, k: outF, a: dy, lda: outF, b: w.f32, ldb: inF,
                  beta: accumulateDx ? 1 : 0, c: dx, ldc: inF)
        }
        if let dW {
            sgemm(.transposed, .none, m: outF, n: inF, k: rows, a: dy, lda: outF, b: x, ldb: inF,
                  beta: 1, c: dW, ldc: inF)
        }
    }
}
