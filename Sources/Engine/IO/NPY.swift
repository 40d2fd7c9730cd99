import DuetCore
import Foundation

/// NumPy `.npy` files (format versions 1-3), the simplest way to exchange reference activations with
/// Python: `numpy.load` reads what `write` produces and `read` accepts what `numpy.save` writes for
/// little-endian float arrays.
public enum NPY {
    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Writes `tensor` as little-endian f32 in C order (widening bf16/f16), atomically.
    public static func write(_ tensor: Tensor, to url: URL) throws {
        let values = tensor.dtype == .f32 ? tensor : tensor.converted(to: .f32)
        try write(shape: tensor.shape, to: url) { sink in try sink.write(values.f32, count: values.count) }
    }

    /// Writes an f32 array of `shape` whose data `body` streams in C order (`shape.product` floats in
    /// all; a large array never needs to be in memory at once), atomically: a failed or short write
    /// leaves no file.
    public static func write(shape: [Int], to url: URL, _ body: (NPYSink) throws -> Void) throws {
        let shapeText = shape.isEmpty ? "()"
            : shape.count == 1 ? "(\(shape[0]),)"
            : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        // Version 1.0: magic (6) + version (2) + u16 length (2) + header, padded to 64 bytes with a final '\n'.
        let total = 10 + header.count + 1
        header += [UInt8](repeating: 0x20, count: (64 - total % 64) % 64) + [0x0A]
        guard header.count <= Int(UInt16.max) else {
            throw CheckpointError.invalidWrite(file: url.path, reason: "shape \(shape) is too long for .npy")
        }
        var prefix = Data(magic + [1, 0])
        prefix.append(UInt8(header.count & 0xFF))
        prefix.append(UInt8(header.count >> 8))
        prefix.append(contentsOf: header)
        let expected = shape.reduce(1, *) * 4
        try AtomicFile.write(to: url) { sink in
            try sink.write(prefix)
            let data = NPYSink(sink)
            try body(data)
            guard data.bytes == expected else {
                throw CheckpointError.invalidWrite(file: url.path, reason: "\(data.bytes) bytes of data for shape \(shape) (\(expected) expected)")
            }
        }
    }

    /// Reads a C-order little-endian `<f4`, `<f8` or `<f2` array into a new f32 tensor.
    public static func read(_ url: URL) throws -> Tensor {
        let mapping = try MappedFile(path: url.path)
        return try read(bytes: mapping.bytes, file: url.path)
    }

    /// Parses the bytes of a whole `.npy` file; `file` names it in errors.
    static func read(bytes: UnsafeRawBufferPointer, file: String) throws -> Tensor {
        func bad(_ reason: String) -> CheckpointError { .badNPY(file: file, reason: reason) }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw bad("missing \\x93NUMPY magic") }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw CheckpointError.truncated(file: file) }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            headerStart = 12
        default:
            throw bad("unsupported format version \(major)")
        }
        guard headerStart + headerLength <= bytes.count else { throw CheckpointError.truncated(file: file) }
        guard let header = String(validating: bytes[headerStart..<headerStart + headerLength], as: UTF8.self) else {
            throw bad("header is not text")
        }
        let descr = try field("descr", in: header, file: file)
        let fortran = try field("fortran_order", in: header, file: file)
        let shapeText = try field("shape", in: header, file: file)
        guard fortran == "False" else { throw bad("Fortran-order arrays are not supported") }
        let shape = try parseShape(shapeText, file: file)
        let count = shape.reduce(1, *)
        let dataStart = headerStart + headerLength
        let elementSize: Int
        switch descr {
        case "'<f4'": elementSize = 4
        case "'<f8'": elementSize = 8
        case "'<f2'": elementSize = 2
        default: throw bad("dtype \(descr) is not supported (expected '<f4', '<f8' or '<f2')")
        }
        guard bytes.count - dataStart >= count * elementSize else { throw CheckpointError.truncated(file: file) }
        let out = Tensor(zeros: shape, dtype: .f32)
        let src = bytes.baseAddress! + dataStart
        switch elementSize {
        case 4: out.raw.copyMemory(from: src, byteCount: count * 4)
        case 2: HalfPrecision.widen(src, dtype: .f16, into: out.f32, count: count)
        default:
            for k in 0..<count { out.f32[k] = Float(src.loadUnaligned(fromByteOffset: 8 * k, as: Double.self)) }
        }
        return out
    }

    /// The text of `key`'s value in the header dict literal, e.g. `'<f4'`, `False`, `(2, 3)`.
    private static func field(_ key: String, in header: String, file: String) throws -> String {
        guard let keyRange = header.range(of: "'\(key)':") else {
            throw CheckpointError.badNPY(file: file, reason: "header has no '\(key)'")
        }
        var rest = header[keyRange.upperBound...].drop { $0 == " " }
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else { throw CheckpointError.badNPY(file: file, reason: "unterminated shape") }
            return String(rest[...close])
        }
        rest = rest.prefix { $0 != "," && $0 != "}" }
        return rest.trimmingCharacters(in: .whitespaces)
    }

    private static func parseShape(_ text: String, file: String) throws -> [Int] {
        let inner = text.dropFirst().dropLast()
        var shape: [Int] = []
        for part in inner.split(separator: ",") {
            let t = part.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard let n = Int(t), n >= 0, n < 1 << 40 else {
                throw CheckpointError.badNPY(file: file, reason: "invalid shape \(text)")
            }
            shape.append(n)
        }
        let (_, overflow) = shape.reduce((1, false)) { acc, n in
            let (p, o) = acc.0.multipliedReportingOverflow(by: n)
            return (p, acc.1 || o || p > 1 << 40)
        }
        if overflow { throw CheckpointError.badNPY(file: file, reason: "shape \(text) is too large") }
        return shape
    }
}

/// Where ``NPY/write(shape:to:_:)`` streams an array's floats.
public final class NPYSink {
    private let sink: FileSink
    fileprivate(set) var bytes = 0
    fileprivate init(_ sink: FileSink) { self.sink = sink }

    /// Appends `count` floats.
    public func write(_ values: UnsafePointer<Float>, count: Int) throws {
        try sink.write(UnsafeRawPointer(values), count: count * 4)
        bytes += count * 4
    }
}
