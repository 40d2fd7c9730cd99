import DuetCore
import Foundation

/// Where one tensor of a checkpoint lives and what it holds (supported dtypes only).
public struct TensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: DType
    /// Row-major dimensions; `[]` is a scalar (one element).
    public let shape: [Int]
    /// Absolute byte range of the elements within the file.
    public let byteRange: Range<Int>
    /// How the elements are stored (``PanelsMetadata``: bf16 matrices may be stored packed).
    public let layout: TensorLayout

    public init(name: String, dtype: DType, shape: [Int], byteRange: Range<Int>, layout: TensorLayout = .rowMajor) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.byteRange = byteRange
        self.layout = layout
    }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
}

/// One header entry of a safetensors file, whatever its dtype (including ones Duet cannot compute
/// with, such as I64, so tools can still list them).
public struct SafeTensorsEntry: Sendable, Equatable {
    public let name: String
    /// The dtype as spelled in the header (`"BF16"`, `"I64"`, ...).
    public let dtypeName: String
    /// The logical shape: for a matrix stored packed in panels, `[out, in]`, not the stored
    /// `[panels, in, 16]` (``PanelsMetadata``).
    public let shape: [Int]
    /// Absolute byte range of the elements within the file.
    public let byteRange: Range<Int>
    /// How the elements are stored.
    public var layout: TensorLayout = .rowMajor

    /// The engine dtype, or nil when the engine cannot read this dtype.
    public var dtype: DType? { DType(rawValue: dtypeName) }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
}

/// Parsing and validation of the safetensors header (format in t5gemma-reference.md §5.1), kept
/// apart from the mapping so every rule is visible in one place.
enum SafeTensorsHeader {
    /// Largest header accepted, as in the reference implementation (100 MB).
    static let maxHeaderBytes = 100_000_000

    /// Bits per element of every dtype the format defines (sub-byte float formats included).
    static let bitsPerElement: [String: Int] = [
        "BOOL": 8, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6,
        "U16": 16, "I16": 16, "F16": 16, "BF16": 16,
        "U32": 32, "I32": 32, "F32": 32,
        "U64": 64, "I64": 64, "F64": 64, "C64": 64,
    ]

    struct Parsed {
        var metadata: [String: String]
        /// Entries in header order.
        var entries: [SafeTensorsEntry]
        /// Absolute offset of the data region (8 + header length).
        var dataStart: Int
    }

    /// Validates the header of a `fileSize`-byte file whose first bytes are `bytes`.
    static func parse(_ bytes: UnsafeRawBufferPointer, fileSize: Int, file: String) throws -> Parsed {
        guard fileSize >= 8, bytes.count >= 8 else { throw CheckpointError.truncated(file: file) }
        var length: UInt64 = 0
        for k in 0..<8 { length |= UInt64(bytes[k]) << (8 * UInt64(k)) }
        guard length >= 2 else { throw CheckpointError.badHeader(file: file, reason: "header length \(length) is less than 2") }
        guard length <= UInt64(maxHeaderBytes) else {
            throw CheckpointError.badHeader(file: file, reason: "header length \(length) exceeds the 100 MB limit")
        }
        let headerLength = Int(length)
        guard headerLength <= fileSize - 8 else { throw CheckpointError.truncated(file: file) }
        let dataStart = 8 + headerLength
        let dataSize = fileSize - dataStart

        let json: JSONValue
        do {
            json = try JSONParser.parse(UnsafeRawBufferPointer(rebasing: bytes[8..<dataStart]), rejectDuplicateKeys: true)
        } catch let e as JSONParseError {
            throw CheckpointError.badHeader(file: file, reason: "not valid JSON: \(e)")
        }
        guard case let .object(members) = json else {
            throw CheckpointError.badHeader(file: file, reason: "header is \(json.kindName), not a JSON object")
        }

        var metadata: [String: String] = [:]
        var entries: [SafeTensorsEntry] = []
        for (name, value) in members {
            if name == "__metadata__" {
                metadata = try parseMetadata(value, file: file)
                continue
            }
            let (entry, end) = try parseEntry(name, value, dataStart: dataStart, file: file)
            guard end <= dataSize else { throw CheckpointError.truncated(file: file) }
            entries.append(entry)
        }
        try checkTiling(entries, dataStart: dataStart, dataSize: dataSize, file: file)
        if let packed = metadata[PanelsMetadata.key] { try PanelsMetadata.apply(packed, to: &entries, file: file) }
        return Parsed(metadata: metadata, entries: entries, dataStart: dataStart)
    }

    private static func parseMetadata(_ value: JSONValue, file: String) throws -> [String: String] {
        guard case let .object(pairs) = value else {
            throw CheckpointError.badHeader(file: file, reason: "__metadata__ is \(value.kindName), not an object")
        }
        var metadata: [String: String] = [:]
        for (key, v) in pairs {
            guard case let .string(s) = v else {
                throw CheckpointError.badHeader(file: file, reason: "__metadata__ value '\(key)' is \(v.kindName), not a string")
            }
            metadata[key] = s
        }
        return metadata
    }

    private static func parseEntry(_ name: String, _ value: JSONValue, dataStart: Int,
                                   file: String) throws -> (SafeTensorsEntry, end: Int) {
        func bad(_ reason: String) -> CheckpointError { .badHeader(file: file, reason: "tensor '\(name)': \(reason)") }
        guard case .object = value else { throw bad("entry is \(value.kindName), not an object") }
        guard case let .string(dtypeName)? = value["dtype"] else { throw bad("missing or non-string \"dtype\"") }
        guard let bits = bitsPerElement[dtypeName] else { throw bad("unknown dtype \"\(dtypeName)\"") }
        guard case let .array(dims)? = value["shape"] else { throw bad("missing or non-array \"shape\"") }
        var shape: [Int] = []
        var count = 1
        for d in dims {
            guard case let .int(n) = d, n >= 0 else { throw bad("shape \(JSONWriter.string(.array(dims), indent: nil)) has a non-integer or negative dimension") }
            shape.append(n)
            let (product, overflow) = count.multipliedReportingOverflow(by: n)
            guard !overflow, product <= 1 << 52 else { throw bad("shape \(shape) is too large") }
            count = product
        }
        guard case let .array(offsets)? = value["data_offsets"], offsets.count == 2,
              case let .int(begin) = offsets[0], case let .int(end) = offsets[1], begin >= 0, end >= begin
        else { throw bad("\"data_offsets\" must be [begin, end] with 0 <= begin <= end") }
        let bitCount = count * bits
        guard bitCount % 8 == 0 else { throw bad("\(count) elements of \(dtypeName) do not fill whole bytes") }
        guard end - begin == bitCount / 8 else {
            throw bad("data_offsets [\(begin), \(end)] span \(end - begin) bytes but shape \(shape) of \(dtypeName) needs \(bitCount / 8)")
        }
        // Offsets must not overflow when made absolute (the caller then bounds them by the data size).
        guard end <= Int.max - dataStart else { throw bad("data_offsets out of range") }
        let entry = SafeTensorsEntry(name: name, dtypeName: dtypeName, shape: shape,
                                     byteRange: (dataStart + begin)..<(dataStart + end))
        return (entry, end)
    }

    /// Tensors must tile the data region exactly: no overlaps, no gaps, no trailing bytes (the
    /// reference implementation's rule; anything else is a corrupt or hand-edited file).
    private static func checkTiling(_ entries: [SafeTensorsEntry], dataStart: Int, dataSize: Int, file: String) throws {
        let sorted = entries.sorted {
            ($0.byteRange.lowerBound, $0.byteRange.upperBound) < ($1.byteRange.lowerBound, $1.byteRange.upperBound)
        }
        var position = dataStart
        var previous: String?
        for e in sorted {
            if e.byteRange.lowerBound < position, let previous {
                throw CheckpointError.badHeader(file: file, reason: "tensor '\(e.name)' overlaps tensor '\(previous)'")
            }
            if e.byteRange.lowerBound > position {
                throw CheckpointError.badHeader(
                    file: file, reason: "gap of \(e.byteRange.lowerBound - position) bytes before tensor '\(e.name)'")
            }
            position = e.byteRange.upperBound
            previous = e.name
        }
        if position != dataStart + dataSize {
            throw CheckpointError.badHeader(
                file: file, reason: "\(dataStart + dataSize - position) bytes after the last tensor's data")
        }
    }
}
