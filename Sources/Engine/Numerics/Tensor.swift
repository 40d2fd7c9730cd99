/// Errors about tensor shapes and types, with the shapes involved.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    case shapeMismatch(expected: [Int], actual: [Int], context: String)
    case dtypeMismatch(expected: DType, actual: DType, context: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(e, a, c): "\(c): expected shape \(e), got \(a)"
        case let .dtypeMismatch(e, a, c): "\(c): expected dtype \(e.rawValue), got \(a.rawValue)"
        }
    }
}

/// A contiguous, row-major n-dimensional array (or, for inference weights, a bf16 matrix packed into
/// panels: ``TensorLayout``). A `Tensor` is a *view*: copies of the value share the same `Storage`
/// (reference semantics, as in llm.c's flat buffers), so layers can hold views into a model's few
/// large allocations and kernels write through them.
public struct Tensor: @unchecked Sendable {
    public let shape: [Int]
    public let dtype: DType
    /// How the elements are arranged in memory; `.rowMajor` unless packed for inference.
    public let layout: TensorLayout
    public let storage: Storage
    /// Offset of element 0 from `storage.base`, in bytes.
    public let byteOffset: Int
    /// Where an `.i8` tensor's block scales live (a struct cannot hold a `Tensor` of its own).
    private let scaleLocation: (storage: Storage, byteOffset: Int)?

    /// For `.i8` tensors only: the f32 block scales, shape `shape` with the last dimension divided
    /// by ``Q8/blockSize`` (value = scale of its block x int8).
    public var scales: Tensor? {
        scaleLocation.map { Tensor(shape: Q8.scaleShape(of: shape), dtype: .f32, storage: $0.storage, byteOffset: $0.byteOffset) }
    }

    /// A new zero-filled tensor (an `.i8` one with zero scales).
    public init(zeros shape: [Int], dtype: DType = .f32) {
        let count = shape.reduce(1, *)
        self.init(shape: shape, dtype: dtype, storage: Storage(byteCount: count * dtype.byteSize), byteOffset: 0,
                  scales: dtype == .i8 ? Tensor(zeros: Q8.scaleShape(of: shape)) : nil)
    }

    /// A new f32 tensor holding `values` (their count must match the shape).
    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "Tensor(shape: \(shape)) given \(values.count) values")
        self.init(zeros: shape, dtype: .f32)
        values.withUnsafeBufferPointer { f32.update(from: $0.baseAddress!, count: values.count) }
    }

    /// A view of existing storage; `.i8` views also take their block scales.
    public init(shape: [Int], dtype: DType, storage: Storage, byteOffset: Int, scales: Tensor? = nil,
                layout: TensorLayout = .rowMajor) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(layout == .rowMajor || (dtype == .bf16 && shape.count == 2), "only bf16 matrices are packed")
        precondition((dtype == .i8) == (scales != nil), "int8 tensors, and only they, carry block scales")
        if let scales {
            precondition(scales.dtype == .f32 && scales.shape == Q8.scaleShape(of: shape),
                         "scales \(scales.shape) do not match int8 shape \(shape)")
        }
        precondition(byteOffset + layout.storedElements(shape: shape) * dtype.byteSize <= storage.byteCount,
                     "view \(shape) \(dtype) at \(byteOffset) exceeds storage of \(storage.byteCount) bytes")
        self.shape = shape
        self.dtype = dtype
        self.layout = layout
        self.storage = storage
        self.byteOffset = byteOffset
        scaleLocation = scales.map { ($0.storage, $0.byteOffset) }
    }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
    /// Number of bytes the elements occupy (a packed matrix's padding included).
    public var byteCount: Int { layout.storedElements(shape: shape) * dtype.byteSize }
    /// Number of dimensions.
    public var rank: Int { shape.count }

    /// Untyped address of element 0.
    public var raw: UnsafeMutableRawPointer { storage.base + byteOffset }

    /// Typed address of element 0 of an f32 tensor.
    public var f32: UnsafeMutablePointer<Float> {
        precondition(dtype == .f32, "f32 pointer of a \(dtype) tensor")
        return raw.assumingMemoryBound(to: Float.self)
    }

    /// Address of element 0 of a 16-bit (bf16/f16) tensor, as bit patterns.
    public var u16: UnsafeMutablePointer<UInt16> {
        precondition(dtype == .bf16 || dtype == .f16, "16-bit pointer of a \(dtype) tensor")
        return raw.assumingMemoryBound(to: UInt16.self)
    }

    /// The same elements with another shape (no copy).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        if newShape == shape { return self }
        precondition(layout == .rowMajor, "a packed matrix cannot be reshaped")
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        precondition(scales == nil || newShape.last == shape.last, "an int8 tensor keeps its rows of blocks")
        return Tensor(shape: newShape, dtype: dtype, storage: storage, byteOffset: byteOffset,
                      scales: scales?.reshaped(Q8.scaleShape(of: newShape)))
    }

    /// Rows `range` along the first dimension (no copy).
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(layout == .rowMajor, "rows of a packed matrix: unpack it first")
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0], "rows \(range) of \(shape)")
        let rowElements = shape.dropFirst().reduce(1, *)
        var newShape = shape
        newShape[0] = range.count
        return Tensor(shape: newShape, dtype: dtype, storage: storage,
                      byteOffset: byteOffset + range.lowerBound * rowElements * dtype.byteSize,
                      scales: scales.map { Q8.scaleRows($0, ofRows: range, rank: rank) })
    }

    /// Row `index` along the first dimension, with that dimension dropped (no copy).
    public func row(_ index: Int) -> Tensor {
        rows(index..<index + 1).reshaped(Array(shape.dropFirst()))
    }

    /// A copy converted to `target` (rounding to nearest even when narrowing; blockwise int8
    /// quantization as ``Q8`` describes).
    public func converted(to target: DType) -> Tensor {
        if layout != .rowMajor { return unpacked().converted(to: target) }
        if target == .i8 && dtype != .i8 { return Q8.quantize(self) }
        if dtype == .i8 && target != .i8 {
            let wide = Q8.dequantize(self)
            return target == .f32 ? wide : wide.converted(to: target)
        }
        let out = Tensor(zeros: shape, dtype: target)
        if target == dtype {
            out.raw.copyMemory(from: raw, byteCount: byteCount)
            if let scales { out.scales!.raw.copyMemory(from: scales.raw, byteCount: scales.byteCount) }
        } else if dtype == .f32 {
            HalfPrecision.narrow(f32, into: out.raw, dtype: target, count: count)
        } else if target == .f32 {
            HalfPrecision.widen(raw, dtype: dtype, into: out.f32, count: count)
        } else {
            let wide = converted(to: .f32)
            HalfPrecision.narrow(wide.f32, into: out.raw, dtype: target, count: count)
        }
        return out
    }

    /// A deep copy with its own storage.
    public func copy() -> Tensor { converted(to: dtype) }

    /// The elements widened to f32, as an array.
    public func toArray() -> [Float] {
        if layout != .rowMajor { return unpacked().toArray() }
        if dtype == .i8 { return Q8.dequantize(self).toArray() }
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            HalfPrecision.widen(raw, dtype: dtype, into: buffer.baseAddress!, count: count)
            initialized = count
        }
    }

    /// Element at a multi-dimensional index, widened to f32 (for tests and debugging, not hot paths).
    public subscript(_ index: Int...) -> Float {
        precondition(index.count == rank, "index \(index) into shape \(shape)")
        var flat = 0
        for (i, d) in zip(index, shape) {
            precondition(i >= 0 && i < d, "index \(index) out of bounds for \(shape)")
            flat = flat * d + i
        }
        if layout == .bf16Panels { flat = TensorLayout.panelOffset(row: index[0], column: index[1], columns: shape[1]) }
        switch dtype {
        case .f32: return f32[flat]
        case .bf16: return HalfPrecision.bf16ToFloat(u16[flat])
        case .f16: return HalfPrecision.f16ToFloat(u16[flat])
        case .i8: return Float(raw.assumingMemoryBound(to: Int8.self)[flat]) * scales!.f32[flat / Q8.blockSize]
        }
    }

    /// Sets every element to zero.
    public func zero() {
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
        scales?.zero()
    }

    /// Throws unless the tensor has exactly `expected` shape.
    public func check(shape expected: [Int], _ context: @autoclosure () -> String) throws {
        if shape != expected { throw TensorError.shapeMismatch(expected: expected, actual: shape, context: context()) }
    }
}
