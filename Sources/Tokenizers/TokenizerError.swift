/// Why a tokenizer file could not be read or a tokenizer could not be built. Every case names the file
/// (or the input) and says where in it the problem is, so a user can find and fix it.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read at all.
    case unreadable(file: String, reason: String)
    /// The protobuf wire data is malformed at byte `offset` (truncated varint, wrong wire type, ...).
    case malformedProtobuf(file: String, offset: Int, field: String, reason: String)
    /// The JSON could not be parsed or has the wrong shape at `path` (a JSON-pointer-like location).
    case malformedJSON(file: String, path: String, reason: String)
    /// A required field or section is absent.
    case missingField(file: String, field: String)
    /// A field holds a value that is well-formed but inconsistent (an id out of range, a merge of unknown pieces).
    case invalidValue(file: String, field: String, reason: String)
    /// The file uses a feature this engine does not implement (a Unigram model, a regex pre-tokenizer, ...).
    case unsupported(file: String, field: String, value: String)
    /// Training input or options are unusable.
    case training(reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read: \(reason)"
        case let .malformedProtobuf(file, offset, field, reason):
            return "\(file): malformed protobuf at byte \(offset) (\(field)): \(reason)"
        case let .malformedJSON(file, path, reason):
            return "\(file): malformed JSON at \(path): \(reason)"
        case let .missingField(file, field):
            return "\(file): missing \(field)"
        case let .invalidValue(file, field, reason):
            return "\(file): invalid \(field): \(reason)"
        case let .unsupported(file, field, value):
            return "\(file): unsupported \(field) \(value)"
        case let .training(reason):
            return "tokenizer training: \(reason)"
        }
    }
}
