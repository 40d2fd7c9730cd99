import CKernels
import Foundation
import Testing
@testable import Engine

/// OpenBLAS's kernels follow the CPU's features: where OpenBLAS falls back to SSE3-era kernels on a
/// CPU with AVX2 or AVX-512 (virtual machines with a generic CPU model), or to AVX2 kernels on an
/// AVX-512 CPU newer than the library, Duet picks the widest ones the CPU runs.
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

    @Test func onlyNarrowerKernelsAreReplaced() {
        #expect(BLASKernels.width(ofCore: "Prescott") < BLASKernels.width(ofCore: "Haswell"))
        #expect(BLASKernels.width(ofCore: "Zen") == BLASKernels.width(ofCore: "Haswell"))
        #expect(BLASKernels.width(ofCore: "Haswell") < BLASKernels.width(ofCore: "SkylakeX"))
        #expect(BLASKernels.width(ofCore: "SapphireRapids") == BLASKernels.width(ofCore: "Cooperlake"))
    }

    /// A pin narrower than the CPU is named (so `duet version` and `duet train` can say what it costs);
    /// an equal or wider one, or none, is not.
    @Test func aNarrowerPinIsNamed() {
        let avx512 = Int32(DK_CPU_AVX2 | DK_CPU_FMA | DK_CPU_AVX512F | DK_CPU_AVX512BW | DK_CPU_AVX512BF16)
        let pin = BLASKernels.narrowerPin(environment: ["OPENBLAS_CORETYPE": "Haswell"], features: avx512)
        #expect(pin?.pinned == "Haswell" && pin?.best == "Cooperlake")
        #expect(BLASKernels.narrowerPin(environment: ["OPENBLAS_CORETYPE": "Cooperlake"], features: avx512) == nil)
        #expect(BLASKernels.narrowerPin(environment: [:], features: avx512) == nil)
        #expect(BLASKernels.narrowerPin(environment: ["OPENBLAS_CORETYPE": "Haswell"], features: Int32(DK_CPU_AVX2 | DK_CPU_FMA)) == nil)
    }

    /// On this machine, once the engine is configured, OpenBLAS runs kernels as wide as the CPU's
    /// features allow; a core the user chose with OPENBLAS_CORETYPE is kept as chosen.
    @Test func openBLASRunsKernelsTheCPUCanRun() {
        _ = EngineThreads.count
        if let chosen = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] {
            #expect(BLASKernels.replacedCore == nil)
            #expect(BLASInfo.coreName.lowercased() == chosen.lowercased())
            return
        }
        guard let best = BLASKernels.bestCore(features: dk_cpu_features()) else { return }  // a CPU without AVX2+FMA
        #expect(BLASKernels.width(ofCore: BLASInfo.coreName) >= BLASKernels.width(ofCore: best), "\(BLASInfo.coreDescription)")
    }
}
