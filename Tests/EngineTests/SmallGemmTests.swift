import CKernels
import Testing
import TestSupport
@testable import Engine

/// The register-tiled small GEMM of the tile attention strategy, each variant this CPU runs (AVX2; AVX-512
/// where present), against its portable loop: every edge (rows not a multiple of 6 or 12, columns not a
/// multiple of 16 or 32, k of 1), A read by rows and by columns,
/// overwrite and accumulate, and nothing written outside C's columns.
@Suite struct SmallGemmTests {
    @Test(arguments: [(1, 1, 1), (6, 16, 64), (7, 17, 3), (13, 40, 129), (64, 128, 64), (5, 15, 1), (25, 33, 64), (12, 32, 5)])
    func everyKernelVariantMatchesThePortableLoop(m: Int, n: Int, k: Int) {
        var rng = TestRandom(seed: UInt64(m * 1000 + n * 10 + k))
        let ldb = n + 3, ldc = n + 5
        let a = rng.floats((m + 1) * (k + 1)), b = rng.floats(k * ldb)
        for transposed in [false, true] {
            // A(i, p) at a[i*ars + p*acs]: by rows (ars = k + 1) or by columns (acs = m + 1).
            let (ars, acs) = transposed ? (1, m + 1) : (k + 1, 1)
            for accumulate: Int32 in [0, 1] {
                var slow = rng.floats(m * ldc)
                let before = slow
                dk_gemm_small_f32_reference(m, n, k, 0.5, a, ars, acs, b, ldb, &slow, ldc, accumulate)
                for variant in EngineInfo.matrixKernelVariants where variant != DK_KERNEL_SCALAR {
                    var fast = before
                    dk_gemm_small_f32_variant(variant, m, n, k, 0.5, a, ars, acs, b, ldb, &fast, ldc, accumulate)
                    #expect(maxScaledError(fast, slow.map(Double.init)) < 1e-5,
                            "variant \(variant): \(m)x\(n)x\(k) transposed \(transposed) accumulate \(accumulate)")
                    for i in 0..<m {
                        for j in n..<ldc { #expect(fast[i * ldc + j] == before[i * ldc + j], "variant \(variant): column \(j) of row \(i) written") }
                    }
                }
            }
        }
    }

    @Test func transposeSwapsRowsAndColumns() {
        var rng = TestRandom(seed: 3)
        let rows = 11, cols = 19, lds = 23, ldd = 13
        let src = rng.floats(rows * lds)
        var dst = [Float](repeating: -1, count: cols * ldd)
        dk_transpose_f32(src, rows, cols, lds, &dst, ldd)
        for i in 0..<rows { for j in 0..<cols { #expect(dst[j * ldd + i] == src[i * lds + j]) } }
        #expect(dst[ldd - 1] == -1)  // outside the rows written
    }
}
