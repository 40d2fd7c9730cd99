import CKernels
import Foundation
import Testing
@testable import Engine

/// OpenBLAS's kernels follow the CPU's features: where OpenBLAS falls back to SSE3-era kernels on a
/// CPU with AVX2 or AVX-512 (virtual machines with a generic CPU model), Duet picks the right ones.
@Suite struct BLASKernelsTests {
    @Test func theCoreFollowsTheFeatureBits() {
        let avx2 = Int32(DK_CPU_AVX2 | DK_CPU_FMA)
        #expect(BLASKernels.bestCore(features: 0) == nil)
        #expect(BLASKernels.bestCore(features: Int32(DK_CPU_AVX2)) == nil)  // no FMA: OpenBLAS's choice stands
        #expect(BLASKernels.bestCore(features: avx2) == "Haswell")
        #expect(BLASKernels.bestCore(features: avx2 | Int32(DK_CPU_AVX512F)) == "Haswell")  // F without BW (Knights Landing)
        #expect(BLASKernels.bestCore(features: avx2 | Int32(DK_CPU_AVX512F | DK_CPU_AVX512BW)) == "SkylakeX")
        #expect(BLASKernels.bestCore(features: avx2 | Int32(DK_CPU_AVX512F | DK_CPU_AVX512BW | DK_CPU_AVX512BF16)) == "Cooperlake")
    }

    /// On this machine, once the engine is configured, OpenBLAS runs kernels at least as wide as the
    /// CPU's AVX2+FMA (unless the user chose with OPENBLAS_CORETYPE).
    @Test func openBLASRunsKernelsTheCPUCanRun() throws {
        try #require(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil)
        _ = EngineThreads.count
        guard BLASKernels.bestCore(features: dk_cpu_features()) != nil else { return }  // a CPU without AVX2+FMA
        #expect(BLASKernels.modernCores.contains(BLASInfo.coreName.lowercased()), "\(BLASInfo.coreDescription)")
    }
}
