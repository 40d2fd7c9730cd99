import CKernels

/// Conversions between f32 and the 16-bit storage formats, bit-exact with IEEE 754 rules:
/// widening is exact; narrowing rounds to nearest, ties to even; NaN stays NaN; f16 overflow
/// becomes infinity and tiny values become f16 subnormals.
public enum HalfPrecision {
    /// Widens one bfloat16 bit pattern.
    @inlinable public static func bf16ToFloat(_ bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// Narrows one float to a bfloat16 bit pattern (round to nearest even).
    @inlinable public static func floatToBF16(_ value: Float) -> UInt16 {
        let u = value.bitPattern
        if u & 0x7fff_ffff > 0x7f80_0000 { return UInt16(truncatingIfNeeded: u >> 16) | 0x0040 }
        let rounded = u &+ 0x7fff &+ ((u >> 16) & 1)
        return UInt16(truncatingIfNeeded: rounded >> 16)
    }

    /// Widens one IEEE half bit pattern.
    public static func f16ToFloat(_ bits: UInt16) -> Float {
        var src = bits
        var dst: Float = 0
        dk_f16_to_f32(&src, &dst, 1)
        return dst
    }

    /// Narrows one float to an IEEE half bit pattern.
    public static func floatToF16(_ value: Float) -> UInt16 {
        var src = value
        var dst: UInt16 = 0
        dk_f32_to_f16(&src, &dst, 1)
        return dst
    }

    /// Widens `count` elements of `dtype` at `source` into f32 at `destination`.
    public static func widen(_ source: UnsafeRawPointer, dtype: DType, into destination: UnsafeMutablePointer<Float>, count: Int) {
        switch dtype {
        case .f32: destination.update(from: source.assumingMemoryBound(to: Float.self), count: count)
        case .bf16: dk_bf16_to_f32(source.assumingMemoryBound(to: UInt16.self), destination, count)
        case .f16: dk_f16_to_f32(source.assumingMemoryBound(to: UInt16.self), destination, count)
        case .i8: preconditionFailure("int8 values need their block scales: widen through Tensor or Q8.dequantize")
        }
    }

    /// Narrows `count` f32 values at `source` into `dtype` at `destination`.
    public static func narrow(_ source: UnsafePointer<Float>, into destination: UnsafeMutableRawPointer, dtype: DType, count: Int) {
        switch dtype {
        case .f32: destination.assumingMemoryBound(to: Float.self).update(from: source, count: count)
        case .bf16: dk_f32_to_bf16(source, destination.assumingMemoryBound(to: UInt16.self), count)
        case .f16: dk_f32_to_f16(source, destination.assumingMemoryBound(to: UInt16.self), count)
        case .i8: preconditionFailure("int8 values need block scales: quantize through Q8.quantize")
        }
    }
}
