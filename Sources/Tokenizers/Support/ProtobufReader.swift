/// A reader for the protobuf wire format (https://protobuf.dev/programming-guides/encoding/), enough to
/// read SentencePiece's `ModelProto` without a protobuf dependency. Offsets in errors are absolute byte
/// offsets in the file, so a corrupt file can be inspected with a hex dump.
struct ProtobufReader {
    /// Protobuf wire types.
    enum WireType: Int {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5

        var name: String {
            switch self {
            case .varint: return "varint"
            case .fixed64: return "fixed64"
            case .lengthDelimited: return "length-delimited"
            case .startGroup: return "start-group"
            case .endGroup: return "end-group"
            case .fixed32: return "fixed32"
            }
        }
    }

    let bytes: [UInt8]
    let file: String
    /// Message name used in errors, e.g. "ModelProto.pieces[12]".
    let context: String
    private(set) var offset: Int
    let end: Int

    init(bytes: [UInt8], file: String, context: String) {
        self.init(bytes: bytes, file: file, context: context, range: 0..<bytes.count)
    }

    private init(bytes: [UInt8], file: String, context: String, range: Range<Int>) {
        self.bytes = bytes
        self.file = file
        self.context = context
        self.offset = range.lowerBound
        self.end = range.upperBound
    }

    var isAtEnd: Bool { offset >= end }

    func error(_ reason: String, at position: Int? = nil, field: String? = nil) -> TokenizerError {
        .malformedProtobuf(file: file, offset: position ?? offset, field: field ?? context, reason: reason)
    }

    /// Reads a base-128 varint (at most 10 bytes).
    mutating func readVarint(field: String? = nil) throws -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw error("truncated varint", at: start, field: field) }
            let byte = bytes[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw error("varint overflows 64 bits", at: start, field: field) }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw error("varint longer than 10 bytes", at: start, field: field) }
        }
    }

    /// Reads the next field tag, or nil at the end of this message.
    mutating func readTag() throws -> (field: Int, wireType: WireType, offset: Int)? {
        guard !isAtEnd else { return nil }
        let start = offset
        let key = try readVarint(field: "\(context) tag")
        let number = key >> 3
        guard number >= 1 && number <= 536_870_911 else {
            throw error("invalid field number \(number)", at: start, field: "\(context) tag")
        }
        guard let wireType = WireType(rawValue: Int(key & 7)) else {
            throw error("invalid wire type \(key & 7) for field \(number)", at: start, field: "\(context) tag")
        }
        return (Int(number), wireType, start)
    }

    /// Reads a fixed 4-byte little-endian value.
    mutating func readFixed32(field: String? = nil) throws -> UInt32 {
        guard end - offset >= 4 else { throw error("truncated fixed32", field: field) }
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
        offset += 4
        return value
    }

    /// Reads a length prefix and returns the byte range of the payload, advancing past it.
    mutating func readLengthDelimitedRange(field: String? = nil) throws -> Range<Int> {
        let start = offset
        let length = try readVarint(field: field)
        guard length <= UInt64(end - offset) else {
            throw error("length \(length) runs past the end of the enclosing message (\(end - offset) bytes left)",
                        at: start, field: field)
        }
        let range = offset..<(offset + Int(length))
        offset = range.upperBound
        return range
    }

    /// Reads a length-delimited UTF-8 string.
    mutating func readString(field: String) throws -> String {
        let range = try readLengthDelimitedRange(field: field)
        guard let string = String(validating: bytes[range], as: UTF8.self) else {
            throw error("string is not valid UTF-8", at: range.lowerBound, field: field)
        }
        return string
    }

    /// Reads a length-delimited field as raw bytes.
    mutating func readBytes(field: String) throws -> [UInt8] {
        Array(bytes[try readLengthDelimitedRange(field: field)])
    }

    /// Reads a length-delimited embedded message and returns a reader confined to it.
    mutating func readMessage(context: String) throws -> ProtobufReader {
        let range = try readLengthDelimitedRange(field: context)
        return ProtobufReader(bytes: bytes, file: file, context: context, range: range)
    }

    /// Skips a field's payload after its tag.
    mutating func skip(_ wireType: WireType, field: Int) throws {
        let name = "\(context) field \(field)"
        switch wireType {
        case .varint: _ = try readVarint(field: name)
        case .fixed64:
            guard end - offset >= 8 else { throw error("truncated fixed64", field: name) }
            offset += 8
        case .lengthDelimited: _ = try readLengthDelimitedRange(field: name)
        case .fixed32: _ = try readFixed32(field: name)
        case .startGroup, .endGroup: throw error("groups are not supported (wire type \(wireType.rawValue))", field: name)
        }
    }

    /// Throws unless `actual` is the wire type a known field must have.
    func expect(_ actual: WireType, _ expected: WireType, field: String, at position: Int) throws {
        guard actual == expected else {
            throw error("wrong wire type \(actual.rawValue) (\(actual.name)), expected \(expected.rawValue) (\(expected.name))",
                        at: position, field: field)
        }
    }
}
