import DuetCore
import Foundation
import Engine
import Sessions

/// Everything a training run was started with, saved as `RUN_DIR/run.json` (so `--resume` needs no
/// other flag) and as the run's config in the database.
struct TrainRunFile: Codable, Equatable {
    static let fileName = "run.json"

    /// 2 since encoder-decoder rows are packed when `data.packing` is set. Format 1 runs put one
    /// example in each encoder-decoder row whatever it said, and resume that way.
    var format = 2
    /// The model the run started from (its tokenizer and generation config travel with checkpoints).
    var modelDirectory: String
    var dataPath: String
    var data: DataOptions
    var training: TrainingConfig
    /// Validation batches evaluated each time.
    var evalBatches: Int
    var name: String?
    var kind: RunKind
    /// The run's row in the database, and that database.
    var runId: Int64?
    var databasePath: String
    /// Processes of the latest (re)start (`mpirun -np N`; nil in runs from before data parallelism: 1).
    /// `data.batchSize` is the global batch, split evenly over them.
    var ranks: Int?

    /// `pretrain` for clm, `sft` for sft, `adapt` for prefixlm and ul2 (the objectives of
    /// encoder-decoder adaptation).
    static func kind(for objective: TrainingObjective) -> RunKind {
        switch objective {
        case .clm: .pretrain
        case .sft: .sft
        case .prefixlm, .ul2: .adapt
        }
    }

    static func url(in runDirectory: URL) -> URL { runDirectory.appendingPathComponent(fileName) }

    static func load(from runDirectory: URL) throws -> TrainRunFile {
        let url = url(in: runDirectory)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TrainCommandError("\(runDirectory.path) holds no run to resume (no \(fileName))")
        }
        do {
            return try decode(Data(contentsOf: url))
        } catch {
            throw TrainCommandError("cannot read \(url.path): \(error)")
        }
    }

    /// Decodes run.json text, upgrading format 1 files.
    static func decode(_ data: Data) throws -> TrainRunFile {
        var file = try JSONDecoder().decode(TrainRunFile.self, from: data)
        if file.format < 2 && file.data.encoderDecoder {
            file.data.packing = false
            file.format = 2
        }
        return file
    }

    func save(in runDirectory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(self), to: Self.url(in: runDirectory))
    }

    /// The config stored in the database (this file's content).
    var jsonValue: JSONValue {
        get throws { try JSONValue(encoding: self) }
    }
}

/// A failure of `duet train` with a message for the user.
struct TrainCommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
