import CBLAS
import CKernels
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Makes OpenBLAS use the kernels this CPU can run.
///
/// OpenBLAS's dynamic-architecture builds (Debian's) pick their kernels from the CPU's model number.
/// In virtual machines that report a generic model, and on CPUs newer than the library, it falls
/// back to older kernels: on an AVX-512 Xeon VM it takes Prescott's SSE3 kernels (sgemm at about
/// 60 GFLOP/s instead of 150-240 with the SkylakeX kernels); a CPU newer than the library may get an
/// older family's AVX2 kernels though it runs AVX-512 (on a 2-core AMD Zen 5 VM, sgemm with Haswell's
/// kernels runs at about 240 GFLOP/s, with Cooperlake's at 370-430; `tools/bench/panel-kernel.sh`,
/// 2026-12-07). When the chosen kernels are narrower than the CPU's own feature bits allow (AVX2+FMA: Haswell; AVX-512 F+BW: SkylakeX, or
/// Cooperlake with AVX512_BF16), Duet re-runs OpenBLAS's own kernel selection with `OPENBLAS_CORETYPE`
/// set, once, before the first BLAS call. A `OPENBLAS_CORETYPE` set by the user is always respected.
public enum BLASKernels {
    /// What OpenBLAS detected at load, when Duet replaced it (nil: OpenBLAS's choice was kept).
    nonisolated(unsafe) public private(set) static var replacedCore: String?
    nonisolated(unsafe) private static var done = false
    private static let lock = NSLock()

    /// How wide a core's sgemm kernels are, as `openblas_get_corename()` spells the core (lowercased):
    /// 2 for AVX-512, 1 for AVX2+FMA; every other core (SSE-era, or unknown to this list) counts 0.
    static func width(ofCore name: String) -> Int {
        switch name.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": 2
        case "haswell", "zen": 1
        default: 0
        }
    }

    /// The OpenBLAS core this CPU's features call for (nil without AVX2+FMA).
    static func bestCore(features: Int32) -> String? {
        if features & DK_CPU_AVX512F != 0 && features & DK_CPU_AVX512BW != 0 {
            return features & DK_CPU_AVX512BF16 != 0 ? "Cooperlake" : "SkylakeX"
        }
        if features & DK_CPU_AVX2 != 0 && features & DK_CPU_FMA != 0 { return "Haswell" }
        return nil
    }

    /// The user's `OPENBLAS_CORETYPE` when it names kernels narrower than this CPU runs (an environment
    /// that pins Haswell on an AVX-512 machine): Duet respects it, and says what it costs.
    public static var narrowerPin: (pinned: String, best: String)? {
        narrowerPin(environment: ProcessInfo.processInfo.environment, features: dk_cpu_features())
    }

    /// What the pin costs and how to lift it, for `duet version` and `duet train` (nil without a narrower pin).
    public static var narrowerPinAdvice: String? {
        narrowerPin.map { "OPENBLAS_CORETYPE=\($0.pinned) is set; this CPU runs \($0.best)'s wider kernels: unset it, or set \($0.best), for faster matrix products" }
    }

    static func narrowerPin(environment: [String: String], features: Int32) -> (pinned: String, best: String)? {
        guard let pinned = environment["OPENBLAS_CORETYPE"], !pinned.isEmpty, let best = bestCore(features: features),
              width(ofCore: pinned) < width(ofCore: best) else { return nil }
        return (pinned, best)
    }

    /// Replaces a fallback kernel choice (see the type's documentation); safe to call many times.
    public static func selectBest() {
        lock.lock()
        defer { lock.unlock() }
        guard !done else { return }
        done = true
        let current = BLASInfo.coreName
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              let best = bestCore(features: dk_cpu_features()),
              width(ofCore: current) < width(ofCore: best),
              let program = dlopen(nil, RTLD_NOW),  // the executable and every library it loaded
              let quit = dlsym(program, "gotoblas_dynamic_quit"),  // present in dynamic-architecture builds only
              let initialize = dlsym(program, "gotoblas_dynamic_init") else { return }
        typealias Hook = @convention(c) () -> Void
        setenv("OPENBLAS_CORETYPE", best, 1)
        unsafeBitCast(quit, to: Hook.self)()
        unsafeBitCast(initialize, to: Hook.self)()
        unsetenv("OPENBLAS_CORETYPE")  // child processes make their own choice
        replacedCore = current
    }
}
