/// A model's parameters by Hugging Face name. For inference the tensors may be zero-copy views of a
/// memory-mapped checkpoint in its file dtype (bf16 matrices stream straight from the page cache);
/// for training every parameter is f32 and lives in one flat buffer (as in llm.c), so the optimizer
/// and checkpointing see a single array.
public final class ParameterStore: @unchecked Sendable {
    /// Names in a stable order (the order the layout lists them).
    public let names: [String]
    private var tensors: [String: Tensor]
    /// The flat f32 buffer holding every parameter, when the store was made trainable.
    public let flat: Tensor?

    /// Wraps existing tensors (no copy).
    public init(_ named: [(name: String, tensor: Tensor)]) {
        names = named.map(\.name)
        tensors = Dictionary(named.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        flat = nil
    }

    /// Copies `named` into one flat f32 buffer (widening 16-bit weights, unpacking packed ones) and views it.
    public init(trainableCopyOf named: [(name: String, tensor: Tensor)]) {
        let total = named.reduce(0) { $0 + $1.tensor.count }
        let buffer = Tensor(zeros: [total], dtype: .f32)
        var offset = 0
        var views: [String: Tensor] = [:]
        for (name, stored) in named {
            let t = stored.unpacked()  // a checkpoint may store matrices packed for inference
            let view = Tensor(shape: t.shape, dtype: .f32, storage: buffer.storage, byteOffset: offset * 4)
            HalfPrecision.widen(t.raw, dtype: t.dtype, into: view.f32, count: t.count)
            views[name] = view
            offset += t.count
        }
        names = named.map(\.name)
        tensors = views
        flat = buffer
    }

    /// The tensor called `name`. Callers build stores from a validated layout, so a missing name is a
    /// programming error.
    public subscript(_ name: String) -> Tensor {
        guard let t = tensors[name] else { preconditionFailure("no parameter named \(name)") }
        return t
    }

    /// The tensor called `name`, if present.
    public func tensor(_ name: String) -> Tensor? { tensors[name] }

    /// Total number of scalar parameters.
    public var parameterCount: Int { names.reduce(0) { $0 + tensors[$1]!.count } }

    /// Replaces every matrix whose rows split into whole int8 blocks with its blockwise int8
    /// quantization (``Q8``); vectors (norm weights) and odd-shaped matrices keep their dtype.
    /// Inference only: a trainable store's flat f32 buffer is what the optimizer updates.
    /// Returns the number of tensors quantized.
    @discardableResult
    public func quantizeMatrices() -> Int {
        precondition(flat == nil, "a trainable parameter store cannot be quantized")
        var quantized = 0
        for name in names {
            let t = tensors[name]!
            guard t.dtype != .i8, Q8.canQuantize(shape: t.shape) else { continue }
            tensors[name] = Q8.quantize(t)
            t.storage.releasePages(byteOffset: t.byteOffset, byteCount: t.byteCount)
            quantized += 1
        }
        return quantized
    }

    /// Replaces every bf16 matrix with its panel-packed copy (``TensorLayout/bf16Panels``), the layout the
    /// inference kernels read fastest at any row count. Inference only, as `quantizeMatrices`. Returns
    /// the number of tensors packed.
    @discardableResult
    public func packBF16Matrices() -> Int {
        precondition(flat == nil, "a trainable parameter store is f32")
        var packed = 0
        for name in names {
            let t = tensors[name]!
            guard t.dtype == .bf16, t.rank == 2, t.layout == .rowMajor else { continue }
            tensors[name] = t.packedBF16Panels()
            t.storage.releasePages(byteOffset: t.byteOffset, byteCount: t.byteCount)
            packed += 1
        }
        return packed
    }

    /// Replaces the small tensors that kernels read as f32 (norm weights) with f32 copies.
    public func widenToF32(where predicate: (String) -> Bool) {
        for name in names where predicate(name) {
            let t = tensors[name]!
            if t.dtype != .f32 { tensors[name] = t.converted(to: .f32) }
        }
    }
}

/// Gradients for the trainable subset of a `ParameterStore`, in one flat f32 buffer. Frozen
/// parameters have no entry and cost no memory.
public final class GradientStore: @unchecked Sendable {
    public let names: [String]
    public let flat: Tensor
    /// Where each parameter's gradient sits in `flat` (element offsets).
    public let ranges: [String: Range<Int>]
    private let views: [String: Tensor]
    /// Called after the backward of each block, with its names, once that block's gradients are
    /// complete: the trainer sets it on the last micro-batch of a step to reduce them over the process
    /// group while the backward goes on (see ``OverlappedReduction``).
    public var blockFinished: ((BlockNames) -> Void)?

    /// Allocates zeroed gradients for the parameters `isTrainable` selects.
    public init(for parameters: ParameterStore, isTrainable: (String) -> Bool = { _ in true }) {
        let selected = parameters.names.filter(isTrainable)
        let total = selected.reduce(0) { $0 + parameters[$1].count }
        flat = Tensor(zeros: [total], dtype: .f32)
        var offset = 0
        var v: [String: Tensor] = [:], r: [String: Range<Int>] = [:]
        for name in selected {
            let shape = parameters[name].shape
            v[name] = Tensor(shape: shape, dtype: .f32, storage: flat.storage, byteOffset: offset * 4)
            r[name] = offset..<offset + shape.reduce(1, *)
            offset += shape.reduce(1, *)
        }
        names = selected
        views = v
        ranges = r
    }

    /// The gradient buffer of `name`, or nil when that parameter is frozen.
    public func pointer(_ name: String) -> UnsafeMutablePointer<Float>? { views[name]?.f32 }

    /// The gradient tensor of `name`, or nil when frozen.
    public func tensor(_ name: String) -> Tensor? { views[name] }

    /// Sets every gradient to zero (before accumulating a new step).
    public func zero() { flat.zero() }
}
