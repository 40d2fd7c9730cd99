import CBLAS

/// Whether a GEMM operand is used as stored or transposed.
public enum Transpose: Sendable {
    case none, transposed
    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// Row-major single-precision GEMM through OpenBLAS: `C = alpha * op(A) * op(B) + beta * C`,
/// where `op(A)` is `m x k`, `op(B)` is `k x n` and `C` is `m x n`; `lda`, `ldb`, `ldc` are the
/// row strides of the matrices as stored.
public func sgemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                  alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                  b: UnsafePointer<Float>, ldb: Int,
                  beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 { return }
    _ = EngineThreads.count  // configures threads and OpenBLAS's kernels before the first GEMM
    if k == 0 {
        if beta == 0 { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
        else if beta != 1 { for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } } }
        return
    }
    cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k),
                alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// Facts about the BLAS library in use.
public enum BLASInfo {
    /// OpenBLAS's build configuration string (`openblas_get_config()`).
    public static var config: String { String(cString: openblas_get_config()) }
    /// The CPU kernel family OpenBLAS uses (`openblas_get_corename()`).
    public static var coreName: String { String(cString: openblas_get_corename()) }
    /// The kernel family, saying when Duet replaced OpenBLAS's fallback choice (``BLASKernels``)
    /// and when the environment pins kernels narrower than the CPU runs (``BLASKernels/narrowerPin``).
    public static var coreDescription: String {
        if let advice = BLASKernels.narrowerPinAdvice { return "\(coreName) (\(advice))" }
        return BLASKernels.replacedCore.map { "\(coreName) (OpenBLAS detected \($0); Duet chose by CPU features)" } ?? coreName
    }
    /// Threads OpenBLAS will use.
    public static var threads: Int { Int(openblas_get_num_threads()) }
}
