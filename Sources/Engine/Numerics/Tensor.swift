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

/// A contiguous, row-major n-dimensional array. A `Tensor` is a *view*: copies of the value share
/// the same `Storage` (reference semantics, as in llm.c's flat buffers), so layers can hold views
/// into a model's few large allocations and kernels write through them.
public struct Tensor: @unchecked Sendable {
    public let shape: [Int]
    public let dtype: DType
    public let storage: Storage
    /// Offset of element 0 from `storage.base`, in bytes.
    public let byteOffset: Int

    /// A new zero-filled tensor.
    public init(zeros shape: [Int], dtype: DType = .f32) {
        let count = shape.reduce(1, *)
        self.init(shape: shape, dtype: dtype, storage: Storage(byteCount: count * dtype.byteSize), byteOffset: 0)
    }

    /// A new f32 tensor holding `values` (their count must match the shape).
    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "Tensor(shape: \(shape)) given \(values.count) values")
        self.init(zeros: shape, dtype: .f32)
        values.withUnsafeBufferPointer { f32.update(from: $0.baseAddress!, count: values.count) }
    }

    /// A view of existing storage.
    public init(shape: [Int], dtype: DType, storage: Storage, byteOffset: Int) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(byteOffset + shape.reduce(1, *) * dtype.byteSize <= storage.byteCount,
                     "view \(shape) \(dtype) at \(byteOffset) exceeds storage of \(storage.byteCount) bytes")
        self.shape = shape
        self.dtype = dtype
        self.storage = storage
        self.byteOffset = byteOffset
    }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
    /// Number of bytes the elements occupy.
    public var byteCount: Int { count * dtype.byteSize }
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
        precondition(dtype != .f32, "16-bit pointer of an f32 tensor")
        return raw.assumingMemoryBound(to: UInt16.self)
    }

    /// The same elements with another shape (no copy).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(shape: newShape, dtype: dtype, storage: storage, byteOffset: byteOffset)
    }

    /// Rows `range` along the first dimension (no copy).
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0], "rows \(range) of \(shape)")
        let rowElements = shape.dropFirst().reduce(1, *)
        var newShape = shape
        newShape[0] = range.count
        return Tensor(shape: newShape, dtype: dtype, storage: storage,
                      byteOffset: byteOffset + range.lowerBound * rowElements * dtype.byteSize)
    }

    /// Row `index` along the first dimension, with that dimension dropped (no copy).
    public func row(_ index: Int) -> Tensor {
        rows(index..<index + 1).reshaped(Array(shape.dropFirst()))
    }

    /// A copy converted to `target` (rounding to nearest even when narrowing).
    public func converted(to target: DType) -> Tensor {
        let out = Tensor(zeros: shape, dtype: target)
        if target == dtype {
            out.raw.copyMemory(from: raw, byteCount: byteCount)
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
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
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
        switch dtype {
        case .f32: return f32[flat]
        case .bf16: return HalfPrecision.bf16ToFloat(u16[flat])
        case .f16: return HalfPrecision.f16ToFloat(u16[flat])
        }
    }

    /// Sets every element to zero.
    public func zero() { raw.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount) }

    /// Throws unless the tensor has exactly `expected` shape.
    public func check(shape expected: [Int], _ context: @autoclosure () -> String) throws {
        if shape != expected { throw TensorError.shapeMismatch(expected: expected, actual: shape, context: context()) }
    }
}
