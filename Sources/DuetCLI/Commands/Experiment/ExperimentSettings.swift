import DuetCore
import Engine
import Foundation

/// The settings an experiment directory was started with (`DIR/experiment.json`): a rerun must use the same,
/// or its stages would mix two budgets.
struct ExperimentSettings: Codable, Equatable {
    var budget: String
    var seeds: Int
    var pretrainSteps: Int
    var continuedSteps: Int
    var sftSteps: Int
    var database: String

    func checkOrWrite(_ path: String) throws {
        if let data = FileManager.default.contents(atPath: path) {
            guard let existing = try? JSONDecoder().decode(ExperimentSettings.self, from: data) else {
                throw CommandFailure("\(path) is not an experiment's settings; choose another --out")
            }
            guard existing == self else {
                throw CommandFailure("\(path) was started with budget \(existing.budget), \(existing.seeds) seeds, steps "
                                     + "\(existing.pretrainSteps)/\(existing.continuedSteps)/\(existing.sftSteps), database \(existing.database); "
                                     + "rerun with those settings to continue it, or choose another --out")
            }
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: URL(fileURLWithPath: path))
    }
}
