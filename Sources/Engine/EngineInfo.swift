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
            (DK_CPU_AVX512BW, "avx512bw"), (DK_CPU_AVX512BF16, "avx512bf16"), (DK_CPU_AVX512VL, "avx512vl"),
            (DK_CPU_AVX512VNNI, "avx512vnni"), (DK_CPU_AVXVNNI, "avxvnni"),
        ]
        return names.filter { f & Int($0.0) != 0 }.map(\.1)
    }

    /// The variant of the matrix kernels with several (bf16 panels, attention tiles) this CPU runs:
    /// "avx512", "avx2" or "scalar".
    public static var matrixKernels: String {
        switch dk_best_kernel_variant() {
        case DK_KERNEL_AVX512: "avx512"
        case DK_KERNEL_AVX2: "avx2"
        default: "scalar"
        }
    }

    /// Every variant (`DK_KERNEL_*`) of those kernels this CPU can run, for tests and benches: each one up to
    /// the widest (every AVX-512 CPU also has AVX2 and FMA), so the CPU test lives in `dk_best_kernel_variant` alone.
    public static var matrixKernelVariants: [Int32] { Array(DK_KERNEL_SCALAR...dk_best_kernel_variant()) }

    /// The int8 matrix-vector kernel this CPU runs: "avx512-vnni", "avx-vnni", "avx2" or "scalar".
    public static var int8Kernel: String {
        switch dk_q8_best_variant() {
        case DK_Q8_AVX512VNNI: "avx512-vnni"
        case DK_Q8_AVXVNNI: "avx-vnni"
        case DK_Q8_AVX2: "avx2"
        default: "scalar"
        }
    }
}
