/// The tensors a conversion writes, and how each is made from the source checkpoint.
///
/// Layouts: a bf16 matrix may be stored packed in panels (``PanelsMetadata``); the writer packs or
/// unpacks each tensor to its spec's layout.
///
/// To int8 (``Q8``), every matrix whose rows split into whole blocks becomes two tensors, `W` (I8)
/// and `W_scale` (F32); a source int8 tensor converted to another dtype is dequantized. The last
/// quantized matrix is kept so `W_scale`, written right after `W` or in another shard, does not
/// quantize it again.
final class ConversionPlan {
    let specs: [TensorSpec]
    private let reader: CheckpointReader
    /// Scale tensor name -> the int8 matrix it belongs to.
    private let matrixOfScale: [String: String]
    private var lastQuantized: (name: String, tensor: Tensor)?

    /// `layout`: `.bf16Panels` stores every bf16 matrix in `packable` (the model's own weights) packed,
    /// `.rowMajor` stores every tensor row-major, nil keeps each tensor's layout where its dtype allows.
    init(reader: CheckpointReader, target: DType?, layout: TensorLayout? = nil, packable: Set<String> = []) {
        self.reader = reader
        let specs = reader.parameterNames.flatMap { name -> [TensorSpec] in
            let info = reader.info(name)!  // validate() proved every tensor readable
            switch target {
            case nil where info.dtype == .i8, .i8? where Q8.canQuantize(shape: info.shape):
                return [TensorSpec(name: name, dtype: .i8, shape: info.shape),
                        TensorSpec(name: name + Q8.scaleSuffix, dtype: .f32, shape: Q8.scaleShape(of: info.shape))]
            case .i8?:
                // Vectors (norm weights) and odd-shaped matrices keep their dtype (widened if int8).
                return [TensorSpec(name: name, dtype: info.dtype, shape: info.shape)]
            default:
                let dtype = target ?? info.dtype
                let packed = dtype == .bf16 && info.shape.count == 2
                    && (layout == nil ? info.layout == .bf16Panels : layout == .bf16Panels && packable.contains(name))
                return [TensorSpec(name: name, dtype: dtype, shape: info.shape, layout: packed ? .bf16Panels : .rowMajor)]
            }
        }
        self.specs = specs
        matrixOfScale = Dictionary(uniqueKeysWithValues: specs.filter { $0.dtype == .i8 }.map {
            ($0.name + Q8.scaleSuffix, $0.name)
        })
    }

    /// The tensor to write for `spec`, and the source it came from (to count values that overflowed).
    func tensor(for spec: TensorSpec) throws -> (converted: Tensor, source: Tensor) {
        if let matrix = matrixOfScale[spec.name] {
            let q = try quantized(matrix)
            return (q.scales!.copy(), q.scales!)
        }
        let source = try reader.tensor(spec.name)
        if spec.dtype == .i8 {
            let q = try quantized(spec.name)
            return (q, source)
        }
        return (source.dtype == spec.dtype ? source : source.converted(to: spec.dtype), source)
    }

    private func quantized(_ name: String) throws -> Tensor {
        if let last = lastQuantized, last.name == name { return last.tensor }
        let source = try reader.tensor(name)
        let q = source.dtype == .i8 ? source : Q8.quantize(source)
        lastQuantized = (name, q)
        return q
    }
}
