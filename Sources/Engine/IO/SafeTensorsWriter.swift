import DuetCore
import Foundation

/// Name, dtype and shape of a tensor to write, known before its data is produced (so a writer can
/// lay out the header first and convert huge checkpoints one tensor at a time).
public struct TensorSpec: Sendable, Equatable {
    public var name: String
    public var dtype: DType
    /// The logical shape (`[out, in]` for a matrix stored packed).
    public var shape: [Int]
    /// How the data is stored: `.bf16Panels` for a bf16 matrix to store packed (``PanelsMetadata``).
    public var layout: TensorLayout

    public init(name: String, dtype: DType, shape: [Int], layout: TensorLayout = .rowMajor) {
        precondition(layout == .rowMajor || (dtype == .bf16 && shape.count == 2), "only bf16 matrices are packed")
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.layout = layout
    }

    /// Bytes of data (padding of a packed matrix included).
    public var byteCount: Int { layout.storedElements(shape: shape) * dtype.byteSize }

    /// The shape the file header declares: the stored `[panels, in, 16]` of a packed matrix.
    var storedShape: [Int] {
        layout == .bf16Panels ? PanelsMetadata.storedShape(rows: shape[0], columns: shape[1]) : shape
    }
}

/// Writes safetensors files byte-identical to the reference implementation's: tensors sorted by
/// element size (largest first, which keeps every tensor aligned), then by name; compact header
/// padded with spaces to a multiple of 8. Every file is written atomically.
public enum SafeTensorsWriter {
    /// One file, HF-compatible header (8-byte aligned, space padded, `__metadata__` {"format":"pt"}),
    /// written atomically (temporary file, fsync, rename).
    public static func write(_ tensors: [(name: String, tensor: Tensor)], to url: URL,
                             metadata: [String: String] = ["format": "pt"]) throws {
        let byName = Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        try write(tensors.map { TensorSpec(name: $0.name, dtype: $0.tensor.dtype, shape: $0.tensor.shape, layout: $0.tensor.layout) },
                  to: url, metadata: metadata) { byName[$0.name]! }
    }

    /// One file whose tensors are produced on demand by `data` (called once per spec, in file order;
    /// it must return a tensor of the spec's dtype and shape, in either layout: it is packed or unpacked
    /// to the spec's). If `data` throws, `url` is untouched.
    public static func write(_ specs: [TensorSpec], to url: URL, metadata: [String: String] = ["format": "pt"],
                             data: (TensorSpec) throws -> Tensor) throws {
        try prepare(specs, to: url, metadata: metadata, data: data).commit()
    }

    /// Writes the file to a temporary name beside `url` (see `AtomicFile.prepare`).
    static func prepare(_ specs: [TensorSpec], to url: URL, metadata: [String: String] = ["format": "pt"],
                        data: (TensorSpec) throws -> Tensor) throws -> PendingFile {
        let ordered = try fileOrder(specs, file: url.path)
        let header = headerBytes(ordered, metadata: metadata)
        return try AtomicFile.prepare(url) { sink in
            var length = UInt64(header.count).littleEndian
            try withUnsafeBytes(of: &length) { try sink.write($0.baseAddress!, count: 8) }
            try sink.write(header)
            for spec in ordered {
                var t = try data(spec)
                guard t.dtype == spec.dtype, t.shape == spec.shape else {
                    throw CheckpointError.invalidWrite(
                        file: url.path, reason: "tensor '\(spec.name)' is \(t.dtype.rawValue) \(t.shape), declared \(spec.dtype.rawValue) \(spec.shape)")
                }
                if t.layout != spec.layout { t = spec.layout == .bf16Panels ? t.packedBF16Panels() : t.unpacked() }
                try sink.write(t.raw, count: t.byteCount)
            }
        }
    }

    /// The order the reference implementation stores tensors in: element size descending (its dtype
    /// enum order: F32, BF16, F16), then names bytewise. Rejects duplicate and reserved names.
    static func fileOrder(_ specs: [TensorSpec], file: String) throws -> [TensorSpec] {
        var seen = Set<String>()
        for s in specs {
            guard !s.name.isEmpty, s.name != "__metadata__" else {
                throw CheckpointError.invalidWrite(file: file, reason: "invalid tensor name '\(s.name)'")
            }
            guard seen.insert(s.name).inserted else {
                throw CheckpointError.invalidWrite(file: file, reason: "duplicate tensor name '\(s.name)'")
            }
            guard s.shape.allSatisfy({ $0 >= 0 }) else {
                throw CheckpointError.invalidWrite(file: file, reason: "tensor '\(s.name)' has negative shape \(s.shape)")
            }
        }
        func rank(_ d: DType) -> Int { d == .f32 ? 0 : d == .bf16 ? 1 : 2 }
        return specs.sorted {
            rank($0.dtype) != rank($1.dtype) ? rank($0.dtype) < rank($1.dtype)
                : Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8))
        }
    }

    /// The JSON header for `ordered` tensors (already in file order), padded with spaces so that the
    /// data region starts at a multiple of 8.
    static func headerBytes(_ ordered: [TensorSpec], metadata: [String: String]) -> Data {
        var metadata = metadata
        let packed = ordered.filter { $0.layout == .bf16Panels }.map { (name: $0.name, rows: $0.shape[0]) }
        if !packed.isEmpty { metadata[PanelsMetadata.key] = PanelsMetadata.encode(packed) }
        var members: [(String, JSONValue)] = []
        if !metadata.isEmpty {
            let sortedMetadata = metadata.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            members.append(("__metadata__", .object(sortedMetadata.map { ($0.key, .string($0.value)) })))
        }
        var offset = 0
        for s in ordered {
            members.append((s.name, .object([
                ("dtype", .string(s.dtype.safetensorsName)),
                ("shape", .array(s.storedShape.map { .int($0) })),
                ("data_offsets", .array([.int(offset), .int(offset + s.byteCount)])),
            ])))
            offset += s.byteCount
        }
        var text = Array(JSONWriter.string(.object(members), indent: nil).utf8)
        text += [UInt8](repeating: 0x20, count: (8 - text.count % 8) % 8)
        return Data(text)
    }
}
