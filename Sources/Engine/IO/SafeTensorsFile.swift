import Foundation

/// A memory-mapped `.safetensors` file. Opening validates the whole header (t5gemma-reference.md
/// §5.1); tensors are zero-copy views over the mapping (a `Storage(borrowing:)` that keeps it alive),
/// so a checkpoint costs page cache, not heap, until its weights are touched. The mapping is
/// copy-on-write: writing through a view changes this process's copy, never the file.
public final class SafeTensorsFile: @unchecked Sendable {
    public let url: URL
    /// The `__metadata__` strings (`{"format": "pt"}` in files transformers writes).
    public let metadata: [String: String]
    /// Every tensor, in header order, whatever its dtype.
    public let entries: [SafeTensorsEntry]
    /// Size of the file in bytes.
    public let fileSize: Int
    /// Absolute offset of the data region (8 + header length).
    public let dataStart: Int

    private let mapping: MappedFile
    private let storage: Storage?
    private let index: [String: Int]

    /// Maps and validates the file at `url`.
    public init(url: URL) throws {
        self.url = url
        let mapping = try MappedFile(path: url.path)
        self.mapping = mapping
        let parsed = try SafeTensorsHeader.parse(mapping.bytes, fileSize: mapping.size, file: url.path)
        metadata = parsed.metadata
        entries = parsed.entries
        dataStart = parsed.dataStart
        fileSize = mapping.size
        var index: [String: Int] = [:]
        for (i, e) in entries.enumerated() { index[e.name] = i }
        self.index = index
        storage = mapping.base.map { Storage(borrowing: $0, byteCount: mapping.size, owner: mapping, fileBacked: true) }
    }

    /// Every tensor name, in header order (which is data order for files transformers writes).
    public var tensorNames: [String] { entries.map(\.name) }

    /// The header entry of `name`, whatever its dtype.
    public func entry(_ name: String) -> SafeTensorsEntry? {
        index[name].map { entries[$0] }
    }

    /// Dtype, shape and location of `name`; nil when absent or stored in a dtype Duet cannot read
    /// (use `entry(_:)` to see those).
    public func info(_ name: String) -> TensorInfo? {
        guard let e = entry(name), let dtype = e.dtype else { return nil }
        return TensorInfo(name: e.name, dtype: dtype, shape: e.shape, byteRange: e.byteRange, layout: e.layout)
    }

    /// A view of tensor `name`, in its stored layout (a matrix stored packed comes packed). Zero-copy unless the data is misaligned for its element type (only in
    /// files not written by safetensors, which aligns by sorting on element size), then copied.
    /// An int8 tensor needs its block `scales` (``Q8``; `CheckpointReader` finds them).
    public func tensor(_ name: String, scales: Tensor? = nil) throws -> Tensor {
        guard let e = entry(name) else { throw CheckpointError.missingTensor(name: name, directory: url.path) }
        guard let dtype = e.dtype else {
            throw CheckpointError.unsupportedDType(file: url.path, tensor: name, dtype: e.dtypeName)
        }
        if dtype == .i8 {
            guard let scales else { throw CheckpointError.missingTensor(name: name + Q8.scaleSuffix, directory: url.path) }
            guard Q8.canQuantize(shape: e.shape), scales.dtype == .f32, scales.shape == Q8.scaleShape(of: e.shape) else {
                throw CheckpointError.badQuantization(file: url.path, tensor: name,
                                                      reason: "int8 shape \(e.shape) with \(scales.dtype.rawValue) scales \(scales.shape)")
            }
        }
        guard let storage, e.count > 0 else { return Tensor(zeros: e.shape, dtype: dtype) }
        let view = Tensor(shape: e.shape, dtype: dtype, storage: storage, byteOffset: e.byteRange.lowerBound,
                          scales: dtype == .i8 ? scales : nil, layout: e.layout)
        if Int(bitPattern: view.raw) % dtype.byteSize != 0 { return view.copy() }
        return view
    }
}
