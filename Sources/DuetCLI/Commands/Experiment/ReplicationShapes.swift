import DuetCore
import Engine
import Foundation
import Tokenizers

/// Writes S's and L's config.json files with the trained tokenizer's vocabulary, for `duet init --config`.
enum ReplicationShapes {
    static func write(budget: ExperimentBudget, layout: ExperimentLayout) throws {
        guard let tokenizer = try TokenizerLoader.load(directory: URL(fileURLWithPath: layout.tokenizer)) else {
            throw CommandFailure("no tokenizer in \(layout.tokenizer)")
        }
        for (source, shape) in [("S", budget.small), ("L", budget.large)] {
            var config = shape
            config.vocabSize = tokenizer.vocabularySize
            let url = URL(fileURLWithPath: layout.shapeFile(source))
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(try ModelConfigFile.encode(.gemma2(config), dtype: .f32), to: url)
        }
    }
}
