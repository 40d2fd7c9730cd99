/// The element types a tensor can hold. The engine computes in `f32`; `bf16` and `f16` are storage
/// formats for weights (real Gemma checkpoints ship in bf16) and are widened on the fly.
public enum DType: String, Sendable, CaseIterable, Codable {
    case f32 = "F32"
    case bf16 = "BF16"
    case f16 = "F16"
    /// Blockwise int8 (see ``Q8``): one byte per value, plus one f32 scale per 32 values held in the
    /// tensor's `scales`. Weights only, for inference.
    case i8 = "I8"

    /// The dtypes a model computes in and a config declares (int8 only stores weights).
    public static let floatingPoint: [DType] = [.f32, .bf16, .f16]

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .f32: 4
        case .bf16, .f16: 2
        case .i8: 1
        }
    }

    /// The name used in safetensors headers (`"F32"`, `"BF16"`, `"F16"`).
    public var safetensorsName: String { rawValue }

    /// The `torch_dtype` spelling used in Hugging Face `config.json` files.
    public var torchName: String {
        switch self {
        case .f32: "float32"
        case .bf16: "bfloat16"
        case .f16: "float16"
        case .i8: "int8"
        }
    }

    /// Parses a safetensors dtype name or a `torch_dtype` string.
    public init?(name: String) {
        switch name.lowercased() {
        case "f32", "float32", "float": self = .f32
        case "bf16", "bfloat16": self = .bf16
        case "f16", "float16", "half": self = .f16
        case "i8", "int8": self = .i8
        default: return nil
        }
    }
}
