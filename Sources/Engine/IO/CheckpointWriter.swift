import DuetCore
import Foundation

extension SafeTensorsWriter {
    /// A directory's weights: `model.safetensors`, or `model-0000k-of-0000n.safetensors` plus
    /// `model.safetensors.index.json` when the tensors exceed `maxShardBytes`.
    public static func writeCheckpoint(_ tensors: [(name: String, tensor: Tensor)], to directory: URL,
                                       maxShardBytes: Int = 4 << 30) throws {
        let byName = Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        try writeCheckpoint(tensors.map { TensorSpec(name: $0.name, dtype: $0.tensor.dtype, shape: $0.tensor.shape, layout: $0.tensor.layout) },
                            to: directory, maxShardBytes: maxShardBytes) { byName[$0.name]! }
    }

    /// Streaming form of `writeCheckpoint`: `data` produces each tensor when its shard is written.
    ///
    /// Shards are cut as transformers cuts them: tensors in the given order, a new shard whenever
    /// the next tensor would push the current one past `maxShardBytes` (a larger tensor gets a shard
    /// of its own). Weight files of the old checkpoint that the new one does not use are removed
    /// at the end.
    public static func writeCheckpoint(_ specs: [TensorSpec], to directory: URL, maxShardBytes: Int = 4 << 30,
                                       data: (TensorSpec) throws -> Tensor) throws {
        guard maxShardBytes > 0 else {
            throw CheckpointError.invalidWrite(file: directory.path, reason: "maxShardBytes must be positive")
        }
        _ = try fileOrder(specs, file: directory.path)  // names valid and unique before touching the disk
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let stale = existingWeightFiles(in: directory)

        var shards: [[TensorSpec]] = []
        var current: [TensorSpec] = []
        var currentBytes = 0
        for s in specs {
            if !current.isEmpty && currentBytes + s.byteCount > maxShardBytes {
                shards.append(current)
                current = []
                currentBytes = 0
            }
            current.append(s)
            currentBytes += s.byteCount
        }
        if !current.isEmpty || shards.isEmpty { shards.append(current) }

        if shards.count == 1 {
            // The single file takes precedence over any index: renaming it in switches checkpoints.
            try write(shards[0], to: directory.appendingPathComponent(CheckpointReader.singleFileName), data: data)
            try removeStale(stale.subtracting([CheckpointReader.singleFileName]), in: directory)
            return
        }
        // Two phases: every shard complete on disk under a temporary name, then the old index
        // removed, the shards renamed in and the new index written. A crash in the first phase
        // leaves the old checkpoint intact; in the second (a few renames) the directory has no
        // index, which readers report, rather than an index naming shards of another checkpoint.
        let names = (1...shards.count).map { String(format: "model-%05d-of-%05d.safetensors", $0, shards.count) }
        var pending: [PendingFile] = []
        do {
            for (shard, name) in zip(shards, names) {
                pending.append(try prepare(shard, to: directory.appendingPathComponent(name), data: data))
            }
        } catch {
            pending.forEach { $0.discard() }
            throw error
        }
        try AtomicFile.remove(directory.appendingPathComponent(CheckpointReader.indexFileName))
        for p in pending { try p.commit() }
        let index = indexJSON(shards: shards, names: names)
        try AtomicFile.write(JSONWriter.data(index), to: directory.appendingPathComponent(CheckpointReader.indexFileName))
        try removeStale(stale.subtracting(names + [CheckpointReader.indexFileName]), in: directory)
    }

    private static func removeStale(_ names: Set<String>, in directory: URL) throws {
        for name in names.sorted() { try AtomicFile.remove(directory.appendingPathComponent(name)) }
    }

    /// `model.safetensors.index.json` as transformers writes it (keys sorted, indent 2).
    static func indexJSON(shards: [[TensorSpec]], names: [String]) -> JSONValue {
        let all = shards.flatMap { $0 }
        let totalSize = all.reduce(0) { $0 + $1.byteCount }
        let totalParameters = all.reduce(0) { $0 + $1.shape.reduce(1, *) }
        var map: [(String, JSONValue)] = []
        for (shard, name) in zip(shards, names) { for s in shard { map.append((s.name, .string(name))) } }
        map.sort { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
        return .object([
            ("metadata", .object([("total_parameters", .int(totalParameters)), ("total_size", .int(totalSize))])),
            ("weight_map", .object(map)),
        ])
    }

    /// Weight files a previous checkpoint left in `directory`: the single file, the index, the
    /// shards it names, and files named like shards.
    static func existingWeightFiles(in directory: URL) -> Set<String> {
        let fm = FileManager.default
        var names = Set<String>()
        let contents = (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in contents where name == CheckpointReader.singleFileName || name == CheckpointReader.indexFileName
            || isShardName(name) {
            names.insert(name)
        }
        let index = directory.appendingPathComponent(CheckpointReader.indexFileName)
        if let (shards, _, _) = try? CheckpointReader.readIndex(index) {
            for s in shards where fm.fileExists(atPath: directory.appendingPathComponent(s).path) { names.insert(s) }
        }
        return names
    }

    /// `model-00001-of-00004.safetensors` and the like.
    static func isShardName(_ name: String) -> Bool {
        let parts = name.split(separator: "-")
        guard parts.count == 4, parts[0] == "model", parts[2] == "of", name.hasSuffix(".safetensors") else { return false }
        let last = parts[3].dropLast(".safetensors".count)
        return !parts[1].isEmpty && parts[1].allSatisfy(\.isNumber) && !last.isEmpty && last.allSatisfy(\.isNumber)
    }
}
