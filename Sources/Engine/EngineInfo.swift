import CKernels

/// Version and build facts about the engine, for `duet version` and for run records.
public enum EngineInfo {
    /// The engine's semantic version.
    public static let version = "0.1.0"

    /// CPU features the kernels can use on this machine (detected at run time).
    public static var cpuFeatures: [String] {
        let f = Int(dk_cpu_features())
        let names: [(Int32, String)] = [
            (DK_CPU_AVX2, "avx2"), (DK_CPU_FMA, "fma"),
            (DK_CPU_F16C, "f16c"), (DK_CPU_AVX512F, "avx512f"),
            (DK_CPU_AVX512BW, "avx512bw"), (DK_CPU_AVX512BF16, "avx512bf16"),
        ]
        return names.filter { f & Int($0.0) != 0 }.map(\.1)
    }
}
