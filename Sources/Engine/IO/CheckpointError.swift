import DuetCore
import Foundation

/// Every problem reading or writing model files, naming the file and, where relevant, the tensor or
/// config field, so a user can tell which download is broken and how.
public enum CheckpointError: Error, CustomStringConvertible {
    /// The file is shorter than its own header says (or shorter than the 8-byte length prefix).
    case truncated(file: String)
    /// The safetensors header is malformed: bad length, not UTF-8 JSON, bad entry, bad offsets.
    case badHeader(file: String, reason: String)
    /// A tensor's element type is one the engine does not compute with (only F32, BF16, F16 are).
    case unsupportedDType(file: String, tensor: String, dtype: String)
    /// An int8 tensor and its block scales do not fit together (see ``Q8``).
    case badQuantization(file: String, tensor: String, reason: String)
    /// A tensor a caller (or the weight layout) needs is not in the checkpoint.
    case missingTensor(name: String, directory: String)
    /// Several tensors the weight layout needs are not in the checkpoint.
    case missingTensors([String], directory: String)
    /// The checkpoint holds tensors the architecture does not have.
    case unexpectedTensors([String], directory: String)
    /// A tensor has another shape than the config implies.
    case shapeMismatch(tensor: String, expected: [Int], actual: [Int])
    /// A config file field is missing, of the wrong type, or inconsistent with another field.
    case config(file: String, field: String, reason: String)
    /// A file the model directory must have (such as `config.json`) is absent.
    case missingFile(file: String)
    /// The directory has no `model.safetensors` and no `model.safetensors.index.json`.
    case noWeights(directory: String)
    /// `model.safetensors.index.json` is malformed or names a shard that cannot be used.
    case badIndex(file: String, reason: String)
    /// A `.npy` file is malformed or holds an element type this reader does not convert.
    case badNPY(file: String, reason: String)
    /// An operating-system call failed (open, read, write, rename, fsync, mmap).
    case io(file: String, operation: String, errno: Int32)
    /// The caller asked to write something that cannot be written (duplicate names, bad shapes).
    case invalidWrite(file: String, reason: String)

    public var description: String {
        switch self {
        case let .truncated(file):
            "\(file): file is truncated (shorter than its header says; re-download it)"
        case let .badHeader(file, reason):
            "\(file): invalid safetensors header: \(reason)"
        case let .unsupportedDType(file, tensor, dtype):
            "\(file): tensor '\(tensor)' has dtype \(dtype); Duet reads only F32, BF16, F16 and its own blockwise I8"
        case let .badQuantization(file, tensor, reason):
            "\(file): int8 tensor '\(tensor)': \(reason) (expected a [rows, cols] I8 matrix, cols a multiple of \(Q8.blockSize), and F32 scales [rows, cols / \(Q8.blockSize)] in '\(tensor)\(Q8.scaleSuffix)')"
        case let .missingTensor(name, directory):
            "\(directory): checkpoint has no tensor '\(name)'"
        case let .missingTensors(names, directory):
            "\(directory): checkpoint is missing \(names.count) tensor(s): \(Self.list(names))"
        case let .unexpectedTensors(names, directory):
            "\(directory): checkpoint has \(names.count) tensor(s) the config does not describe: \(Self.list(names))"
        case let .shapeMismatch(tensor, expected, actual):
            "tensor '\(tensor)' has shape \(actual), the config implies \(expected)"
        case let .config(file, field, reason):
            "\(file): field '\(field)': \(reason)"
        case let .missingFile(file):
            "\(file): no such file"
        case let .noWeights(directory):
            "\(directory): no model.safetensors or model.safetensors.index.json"
        case let .badIndex(file, reason):
            "\(file): invalid checkpoint index: \(reason)"
        case let .badNPY(file, reason):
            "\(file): invalid .npy file: \(reason)"
        case let .io(file, operation, code):
            FileWriteError.describe(file: file, operation: operation, errno: code)
        case let .invalidWrite(file, reason):
            "\(file): cannot write: \(reason)"
        }
    }

    private static func list(_ names: [String]) -> String {
        let shown = names.prefix(8).joined(separator: ", ")
        return names.count > 8 ? shown + ", ... (\(names.count - 8) more)" : shown
    }
}
