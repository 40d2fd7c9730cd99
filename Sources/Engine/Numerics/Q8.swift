import DuetCore
import Foundation
import CKernels

/// Blockwise int8 weights ("Q8", llama.cpp's Q8_0 layout with an f32 scale): along each row, every
/// run of ``blockSize`` values shares one scale `d = max|x| / 127`, and each value is stored as
/// `round(x / d)` in `[-127, 127]`, so `x ≈ d · q` with an error of at most `d / 2` per value.
/// At 1.125 bytes per weight (bf16: 2) decode, which streams every weight once per token, reads
/// little more than half the bytes. A tensor of dtype `.i8` holds the values; its `scales` tensor
/// the f32 scales, shape `[..., cols / blockSize]`.
public enum Q8 {
    /// Values per scale.
    public static let blockSize = Int(DK_Q8_BLOCK)

    /// In a safetensors file an int8 tensor `W` (dtype `I8`, its own shape) has its scales in
    /// `W_scale` (`F32`, `[rows, cols / 32]`), the naming of compressed-tensors checkpoints.
    public static let scaleSuffix = "_scale"

    /// Whether a weight of `shape` can be quantized: a matrix whose rows split into whole blocks.
    public static func canQuantize(shape: [Int]) -> Bool {
        shape.count == 2 && shape[1] > 0 && shape[1] % blockSize == 0
    }

    /// The shape of the scales of an int8 tensor of `shape`.
    static func scaleShape(of shape: [Int]) -> [Int] {
        guard let last = shape.last else { return [] }
        return shape.dropLast() + [last / blockSize]
    }

    /// The scales of rows `range` of an int8 tensor of rank `rank` (for rank 1, whole blocks of elements).
    static func scaleRows(_ scales: Tensor, ofRows range: Range<Int>, rank: Int) -> Tensor {
        guard rank == 1 else { return scales.rows(range) }
        precondition(range.lowerBound % blockSize == 0 && range.upperBound % blockSize == 0,
                     "an int8 vector is sliced in whole blocks of \(blockSize)")
        return scales.rows(range.lowerBound / blockSize..<range.upperBound / blockSize)
    }

    /// Quantizes `tensor` (f32, bf16 or f16; last dimension a multiple of ``blockSize``), one row at a
    /// time so a 16-bit matrix is never widened whole.
    public static func quantize(_ tensor: Tensor) -> Tensor {
        if tensor.layout != .rowMajor { return quantize(tensor.unpacked()) }
        let cols = tensor.shape.last ?? 0
        precondition(cols % blockSize == 0, "int8 blocks need a last dimension divisible by \(blockSize), got \(tensor.shape)")
        let out = Tensor(zeros: tensor.shape, dtype: .i8)
        let rows = cols == 0 ? 0 : tensor.count / cols
        let source = tensor.raw, dtype = tensor.dtype
        let values = out.raw.assumingMemoryBound(to: Int8.self), scales = out.scales!.f32
        EngineThreads.parallelFor(rows, minimumPerChunk: max(1, 65_536 / max(1, cols))) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: cols) { row in
                for r in range {
                    HalfPrecision.widen(source + r * cols * dtype.byteSize, dtype: dtype, into: row.baseAddress!, count: cols)
                    dk_quantize_q8(row.baseAddress!, cols, values + r * cols, scales + r * (cols / blockSize))
                }
            }
        }
        return out
    }

    /// The f32 values `scale · q` of an int8 tensor.
    public static func dequantize(_ tensor: Tensor) -> Tensor {
        precondition(tensor.dtype == .i8, "dequantize of a \(tensor.dtype) tensor")
        let out = Tensor(zeros: tensor.shape, dtype: .f32)
        dequantize(tensor, elements: 0..<tensor.count, into: out.f32)
        return out
    }

    /// Widens the elements `range` (whole blocks) of an int8 tensor into `destination`.
    static func dequantize(_ tensor: Tensor, elements range: Range<Int>, into destination: UnsafeMutablePointer<Float>) {
        dk_dequantize_q8(tensor.raw.assumingMemoryBound(to: Int8.self) + range.lowerBound,
                         tensor.scales!.f32 + range.lowerBound / blockSize, range.count, destination)
    }
}

extension Q8 {
    /// The `quantization_config` a model directory with int8 weights declares in config.json, for
    /// readers of the file (Duet itself goes by the tensors' dtypes).
    static let configEntry: JSONValue = .object([
        ("quant_method", .string("duet-q8")), ("bits", .int(8)), ("group_size", .int(blockSize)),
        ("scale_suffix", .string(scaleSuffix)), ("symmetric", .bool(true)),
    ])

    /// config.json bytes with `quantization_config` set (int8) or removed (any other dtype).
    static func declaringQuantization(_ quantized: Bool, in data: Data) throws -> Data {
        guard case var .object(members) = try JSONParser.parse(data) else { return data }
        members.removeAll { $0.0 == "quantization_config" }
        if quantized { members.append(("quantization_config", configEntry)) }
        return JSONWriter.data(.object(members))
    }
}
