import CKernels

/// The instruction-set variants of the int8 matrix-vector kernel, for `duet bench kernels`: every one
/// sums the same integers and gives the same bits; `best` is the one the engine runs.
public enum Q8Kernel: String, CaseIterable, Sendable {
    case avx2 = "avx2"
    case avxVNNI = "avx-vnni"
    case avx512VNNI = "avx512-vnni"

    var variant: Int32 {
        switch self {
        case .avx2: DK_Q8_AVX2
        case .avxVNNI: DK_Q8_AVXVNNI
        case .avx512VNNI: DK_Q8_AVX512VNNI
        }
    }

    /// The variants this CPU can run.
    public static var available: [Q8Kernel] {
        let f = Int(dk_cpu_features())
        func has(_ bits: Int32...) -> Bool { bits.allSatisfy { f & Int($0) != 0 } }
        guard has(DK_CPU_AVX2, DK_CPU_FMA) else { return [] }
        return [.avx2] + (has(DK_CPU_AVXVNNI) ? [.avxVNNI] : []) + (has(DK_CPU_AVX512VNNI, DK_CPU_AVX512VL) ? [.avx512VNNI] : [])
    }

    /// `y = W x` with int8 weights `[rows, cols]` and an int8 input `[cols]` (both blockwise, from
    /// `Tensor.converted(to: .i8)`), on this variant. The caller checks it is `available`.
    public func gemv(weights: Tensor, input: Tensor, into y: UnsafeMutablePointer<Float>) {
        precondition(weights.dtype == .i8 && input.dtype == .i8 && weights.shape.count == 2, "int8 matrix and vector")
        let rows = weights.shape[0], cols = weights.shape[1]
        dk_gemv_q8_variant(variant, weights.raw.assumingMemoryBound(to: Int8.self), weights.scales!.f32, cols,
                           input.raw.assumingMemoryBound(to: Int8.self), input.scales!.f32, y, rows, cols)
    }
}
