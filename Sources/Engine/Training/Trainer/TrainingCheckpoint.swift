import DuetCore
import Foundation
import Tokenizers
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The trainer's own state in a checkpoint (`trainer_state.json`): with the weights and the
/// optimizer moments, everything needed to continue bit-identically.
public struct TrainerState: Sendable, Codable, Equatable {
    public static let fileName = "trainer_state.json"
    public var format: Int
    /// Optimizer steps done.
    public var step: Int
    public var consecutiveNonFinite: Int
    /// Where the next training batch comes from. With the data seed (in the caller's run config)
    /// this is the data pipeline's whole random state; the trainer itself draws no random numbers.
    public var dataPosition: DataPosition
    /// AdamW's per-parameter step counts (bias correction).
    public var optimizerSteps: [String: Int]
    public var config: TrainingConfig
    /// Free-form facts of the caller (e.g. the run's database id).
    public var extra: [String: String]
}

/// Checkpoints of a run directory:
/// ```
/// RUN_DIR/checkpoints/step-N/   config.json, generation_config.json, model.safetensors (f32),
///                               tokenizer files, optimizer.safetensors, trainer_state.json
/// RUN_DIR/latest                "checkpoints/step-N", replaced after the checkpoint is complete
/// ```
/// Weights are written in **f32** whatever the source dtype: they are the trainer's master weights,
/// so resuming from them is exact (a bf16 copy would round every weight), and transformers loads
/// them as any f32 model (`torch_dtype: float32` in config.json). `optimizer.safetensors` holds
/// `exp_avg.<name>` and `exp_avg_sq.<name>` (PyTorch's names) for every parameter with optimizer state.
///
/// Writing is atomic at two levels: each file is written to a temporary name, fsynced and renamed
/// (`AtomicFile`), inside a temporary directory that is renamed to `step-N` once complete; `latest`
/// is rewritten last. A crash at any point leaves `latest` naming a complete checkpoint.
public enum TrainingCheckpoint {
    public static let latestFileName = "latest"
    public static let optimizerFileName = "optimizer.safetensors"

    /// Saves `trainer` at its current step and points `latest` at it. Tokenizer files, generation config
    /// and carried tensors come from `assetSource`: the run's latest checkpoint, else `assets` (the starting
    /// model directory, or the checkpoint a resumed run started from). Returns the checkpoint directory.
    @discardableResult
    public static func save(_ trainer: Trainer, dataPosition: DataPosition, assets: URL?, runDirectory: URL,
                            extra: [String: String] = [:]) throws -> URL {
        let fm = FileManager.default
        let checkpoints = runDirectory.appendingPathComponent("checkpoints")
        try fm.createDirectory(at: checkpoints, withIntermediateDirectories: true)
        let name = "step-\(trainer.step)"
        let final = checkpoints.appendingPathComponent(name)
        let temporary = checkpoints.appendingPathComponent(".\(name).partial-\(getpid())")
        try? fm.removeItem(at: temporary)
        try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
        do {
            try writeContents(trainer, dataPosition: dataPosition, assets: assetSource(runDirectory: runDirectory, fallback: assets),
                              extra: extra, to: temporary)
            try replaceDirectory(final, with: temporary)
        } catch {
            try? fm.removeItem(at: temporary)
            throw error
        }
        try AtomicFile.write(Data("checkpoints/\(name)\n".utf8), to: runDirectory.appendingPathComponent(latestFileName))
        return final
    }

    /// Where a new checkpoint copies its tokenizer files, generation config and carried tensors from: the
    /// run's latest checkpoint when it holds a tokenizer, else `fallback`. Pruning never deletes the latest
    /// checkpoint, while the checkpoint a resumed run started from is pruned a few saves later: copying from
    /// it left every later checkpoint without a tokenizer, unloadable by Duet and transformers alike.
    static func assetSource(runDirectory: URL, fallback: URL?) -> URL? {
        if let latest = try? latest(in: runDirectory),
           TokenizerFiles.names.contains(where: { FileManager.default.fileExists(atPath: latest.appendingPathComponent($0).path) }) {
            return latest
        }
        return fallback
    }

    private static func writeContents(_ trainer: Trainer, dataPosition: DataPosition, assets: URL?,
                                      extra: [String: String], to directory: URL) throws {
        let parameters = trainer.model.parameters
        try SafeTensorsWriter.writeCheckpoint(parameters.names.map { ($0, parameters[$0]) } + (try carriedTensors(from: assets)),
                                              to: directory)
        try AtomicFile.write(try ModelConfigFile.encode(trainer.model.config, dtype: .f32),
                             to: directory.appendingPathComponent(ModelConfigFile.fileName))
        if let assets {
            try TokenizerFiles.copy(from: assets, to: directory)
            let generation = assets.appendingPathComponent(GenerationConfig.fileName)
            if FileManager.default.fileExists(atPath: generation.path) {
                try AtomicFile.write(try Data(contentsOf: generation), to: directory.appendingPathComponent(GenerationConfig.fileName))
            }
        }
        let optimizer = trainer.optimizer
        var moments: [(name: String, tensor: Tensor)] = []
        for name in optimizer.names {
            let (m, v) = optimizer.moments(of: name)!
            moments.append(("exp_avg." + name, m))
            moments.append(("exp_avg_sq." + name, v))
        }
        try SafeTensorsWriter.write(moments, to: directory.appendingPathComponent(optimizerFileName))
        let state = TrainerState(format: 1, step: trainer.step, consecutiveNonFinite: trainer.consecutiveNonFinite,
                                 dataPosition: dataPosition,
                                 optimizerSteps: Dictionary(uniqueKeysWithValues: optimizer.names.map { ($0, optimizer.steps(of: $0)) }),
                                 config: trainer.config, extra: extra)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(state), to: directory.appendingPathComponent(TrainerState.fileName))
    }

    /// Tensors of the model directory training started from that Duet does not train but must not drop:
    /// a T5Gemma 2's vision tower and projector, carried into every checkpoint unchanged so that the
    /// checkpoint is as complete as its source (transformers reports nothing missing).
    static func carriedTensors(from assets: URL?) throws -> [(name: String, tensor: Tensor)] {
        guard let assets, FileManager.default.fileExists(atPath: assets.appendingPathComponent(ModelConfigFile.fileName).path) else {
            return []
        }
        let config = try ModelConfigFile.load(directory: assets)
        guard case let .t5gemma(c) = config, c.t5gemma2 != nil else { return [] }
        let reader = try CheckpointReader(directory: assets)
        return try WeightLayout.skippedTensors(reader, config: config).map { ($0, try reader.tensor($0)) }
    }

    /// Renames `temporary` to `final`; an existing `final` (the same step saved again) is moved
    /// aside first and deleted after.
    private static func replaceDirectory(_ final: URL, with temporary: URL) throws {
        let fm = FileManager.default
        var aside: URL?
        if fm.fileExists(atPath: final.path) {
            let old = final.deletingLastPathComponent().appendingPathComponent(".\(final.lastPathComponent).old-\(getpid())")
            try? fm.removeItem(at: old)
            guard rename(final.path, old.path) == 0 else {
                throw CheckpointError.io(file: final.path, operation: "move aside", errno: errno)
            }
            aside = old
        }
        guard rename(temporary.path, final.path) == 0 else {
            throw CheckpointError.io(file: final.path, operation: "rename", errno: errno)
        }
        AtomicFile.syncDirectory(final.deletingLastPathComponent().path)
        if let aside { try? fm.removeItem(at: aside) }
    }

    /// Deletes all but the newest `keep` checkpoints (`checkpoints/step-N`) of `runDirectory`; the one
    /// `latest` names is always kept. Checkpoints hold weights and both AdamW moments (12 bytes per
    /// parameter), so an unpruned run fills a disk. Returns the steps removed, oldest first.
    @discardableResult
    public static func prune(in runDirectory: URL, keep: Int) throws -> [Int] {
        precondition(keep >= 1, "keep at least one checkpoint")
        let checkpoints = runDirectory.appendingPathComponent("checkpoints")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path)) ?? []
        let steps = names.compactMap { $0.hasPrefix("step-") ? Int($0.dropFirst(5)) : nil }.sorted()
        let latest = try? latest(in: runDirectory)?.lastPathComponent
        var removed: [Int] = []
        for step in steps.dropLast(keep) where "step-\(step)" != latest {
            try FileManager.default.removeItem(at: checkpoints.appendingPathComponent("step-\(step)"))
            removed.append(step)
        }
        return removed
    }

    /// The checkpoint `latest` names in `runDirectory`, or nil when the run has none yet.
    public static func latest(in runDirectory: URL) throws -> URL? {
        let pointer = runDirectory.appendingPathComponent(latestFileName)
        guard FileManager.default.fileExists(atPath: pointer.path) else { return nil }
        let relative = String(decoding: try Data(contentsOf: pointer), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !relative.isEmpty, !relative.contains("..") else {
            throw TrainingError.checkpoint(path: pointer.path, reason: "does not name a checkpoint directory")
        }
        let directory = runDirectory.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(TrainerState.fileName).path) else {
            throw TrainingError.checkpoint(path: directory.path, reason: "has no \(TrainerState.fileName)")
        }
        return directory
    }

    /// Reads `trainer_state.json` of a checkpoint directory.
    public static func state(in directory: URL) throws -> TrainerState {
        let url = directory.appendingPathComponent(TrainerState.fileName)
        do {
            let state = try JSONDecoder().decode(TrainerState.self, from: try Data(contentsOf: url))
            guard state.format == 1 else {
                throw TrainingError.checkpoint(path: url.path, reason: "format \(state.format) is not supported")
            }
            return state
        } catch let error as TrainingError {
            throw error
        } catch {
            throw TrainingError.checkpoint(path: url.path, reason: "unreadable: \(error)")
        }
    }

    /// Restores optimizer state and step counters of the checkpoint in `directory` into `trainer`,
    /// whose model must have been loaded from the same directory (`ModelLoader.load(trainable: true)`).
    @discardableResult
    public static func restore(_ trainer: Trainer, from directory: URL) throws -> TrainerState {
        let state = try state(in: directory)
        let file = try SafeTensorsFile(url: directory.appendingPathComponent(optimizerFileName))
        var entries: [(name: String, m: Tensor, v: Tensor, steps: Int)] = []
        for (name, steps) in state.optimizerSteps.sorted(by: { $0.key < $1.key }) {
            entries.append((name, try file.tensor("exp_avg." + name), try file.tensor("exp_avg_sq." + name), steps))
        }
        guard file.tensorNames.count == 2 * entries.count else {
            throw TrainingError.checkpoint(path: file.url.path, reason: "holds moments of parameters trainer_state.json does not list")
        }
        try trainer.restore(step: state.step, consecutiveNonFinite: state.consecutiveNonFinite, state: entries)
        return state
    }
}
