import DuetCore
import Foundation

/// The weights of a Hugging Face model directory: `model.safetensors`, or the shards listed by
/// `model.safetensors.index.json` (t5gemma-reference.md §5.2). Every file is mapped and its header
/// validated up front, so a broken download fails here, naming the file, not mid-generation.
public final class CheckpointReader: @unchecked Sendable {
    public static let singleFileName = "model.safetensors"
    public static let indexFileName = "model.safetensors.index.json"

    public let directory: URL
    /// The opened weight files, in index order (one file when not sharded).
    public let files: [SafeTensorsFile]
    /// The index's `metadata` object when the checkpoint is sharded.
    public let indexMetadata: [String: JSONValue]
    /// Every tensor name, in file order, shard after shard.
    public let tensorNames: [String]
    private let location: [String: Int]

    /// Opens the checkpoint in `directory`. A single `model.safetensors` takes precedence over an
    /// index, as in transformers.
    public init(directory: URL) throws {
        self.directory = directory
        let fm = FileManager.default
        let single = directory.appendingPathComponent(Self.singleFileName)
        let indexURL = directory.appendingPathComponent(Self.indexFileName)
        if fm.fileExists(atPath: single.path) {
            let file = try SafeTensorsFile(url: single)
            files = [file]
            indexMetadata = [:]
            tensorNames = file.tensorNames
            location = Dictionary(uniqueKeysWithValues: file.tensorNames.map { ($0, 0) })
        } else if fm.fileExists(atPath: indexURL.path) {
            let (shardNames, weightMap, metadata) = try Self.readIndex(indexURL)
            files = try shardNames.map { try SafeTensorsFile(url: directory.appendingPathComponent($0)) }
            indexMetadata = metadata
            let shardOfName = Dictionary(uniqueKeysWithValues: shardNames.enumerated().map { ($1, $0) })
            var location: [String: Int] = [:]
            for (name, shard) in weightMap {
                let i = shardOfName[shard]!
                guard files[i].entry(name) != nil else {
                    throw CheckpointError.badIndex(file: indexURL.path, reason: "tensor '\(name)' is not in \(shard)")
                }
                location[name] = i
            }
            self.location = location
            tensorNames = files.enumerated().flatMap { i, f in f.tensorNames.filter { location[$0] == i } }
        } else {
            throw CheckpointError.noWeights(directory: directory.path)
        }
    }

    /// Parses the index: shard file names in first-use order, the weight map, and its metadata.
    static func readIndex(_ url: URL) throws -> ([String], [(String, String)], [String: JSONValue]) {
        func bad(_ reason: String) -> CheckpointError { .badIndex(file: url.path, reason: reason) }
        let json: JSONValue
        let data = try readWholeFile(url)
        do {
            json = try JSONParser.parse(data)
        } catch let e as JSONParseError {
            throw bad("not valid JSON: \(e)")
        }
        guard case let .object(members)? = json["weight_map"] else { throw bad("no \"weight_map\" object") }
        var shards: [String] = []
        var weightMap: [(String, String)] = []
        for (name, value) in members {
            guard case let .string(shard) = value else { throw bad("weight_map['\(name)'] is \(value.kindName), not a file name") }
            // Shards live next to the index: refuse paths that would read elsewhere.
            guard !shard.isEmpty, !shard.contains("/"), shard != ".", shard != ".." else {
                throw bad("weight_map['\(name)'] = \"\(shard)\" is not a file name in the directory")
            }
            if !shards.contains(shard) { shards.append(shard) }
            weightMap.append((name, shard))
        }
        guard !weightMap.isEmpty else { throw bad("weight_map is empty") }
        var metadata: [String: JSONValue] = [:]
        if case let .object(pairs)? = json["metadata"] { for (k, v) in pairs { metadata[k] = v } }
        return (shards, weightMap, metadata)
    }

    /// Whether the checkpoint has a tensor `name` (of any dtype).
    public func contains(_ name: String) -> Bool { location[name] != nil }

    /// The file holding `name`.
    public func file(containing name: String) -> SafeTensorsFile? { location[name].map { files[$0] } }

    /// The header entry of `name`, whatever its dtype.
    public func entry(_ name: String) -> SafeTensorsEntry? { file(containing: name)?.entry(name) }

    /// Dtype, shape and location of `name` (nil when absent or of a dtype Duet cannot read).
    public func info(_ name: String) -> TensorInfo? { file(containing: name)?.info(name) }

    /// A zero-copy view of `name`; an int8 tensor comes with its block scales (`name` + `_scale`,
    /// in any shard).
    public func tensor(_ name: String) throws -> Tensor {
        guard let file = file(containing: name) else {
            throw CheckpointError.missingTensor(name: name, directory: directory.path)
        }
        guard file.entry(name)?.dtype == .i8 else { return try file.tensor(name) }
        let scaleName = name + Q8.scaleSuffix
        guard contains(scaleName) else { throw CheckpointError.missingTensor(name: scaleName, directory: directory.path) }
        return try file.tensor(name, scales: try self.tensor(scaleName))
    }

    /// Tensor names without the block scales of int8 tensors: the model's parameters.
    public var parameterNames: [String] {
        tensorNames.filter { !isScale($0) }
    }

    /// Whether `name` is the block-scale companion of an int8 tensor in this checkpoint.
    public func isScale(_ name: String) -> Bool {
        guard name.hasSuffix(Q8.scaleSuffix) else { return false }
        return entry(String(name.dropLast(Q8.scaleSuffix.count)))?.dtype == .i8
    }

    /// Each weight file with its size in bytes.
    public var fileSizes: [(url: URL, bytes: Int)] { files.map { ($0.url, $0.fileSize) } }
}
