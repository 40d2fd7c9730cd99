/// Why training data could not be read or batched. Every case names the file (and line) or the
/// option at fault.
public enum DataError: Error, CustomStringConvertible, Equatable {
    /// The file or directory could not be read.
    case unreadable(path: String, reason: String)
    /// A JSONL line is not valid JSON or lacks the fields the objective needs (lines count from 1).
    case invalidRecord(file: String, line: Int, reason: String)
    /// The data holds no usable documents.
    case noDocuments(path: String, reason: String)
    /// A `DataOptions` field is out of range or does not fit the objective.
    case invalidOption(name: String, reason: String)
    /// The tokenizer lacks a token the objective needs (BOS, EOS, UL2 sentinels).
    case missingToken(name: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read: \(reason)"
        case let .invalidRecord(file, line, reason): return "\(file):\(line): \(reason)"
        case let .noDocuments(path, reason): return "\(path): no training documents: \(reason)"
        case let .invalidOption(name, reason): return "data option \(name): \(reason)"
        case let .missingToken(name, reason): return "tokenizer has no \(name) token: \(reason)"
        }
    }
}
