import DuetCore
import Engine
import Foundation

/// Where a model's weights came from, kept beside them in `duet_model.json` by the commands that make
/// weights (`duet init`, `duet adapt`), so the UI can say "random weights" instead of letting a
/// randomly initialised model pass for a trained one.
struct ModelProvenance: Codable, Equatable {
    static let fileName = "duet_model.json"

    /// "random" for `duet init` output and anything adapted from it; "adapted" for adaptations of other
    /// weights; "trained" for models a training recipe made (tools/recipe/default-models.sh).
    var weights: String
    /// The command that wrote the weights ("duet init --preset tiny", "duet adapt").
    var createdBy: String
    /// The model the weights were derived from, for adaptations.
    var source: String?
    /// Prompts the model is known to answer (held-out questions it got right, recorded by
    /// `duet eval tasks --record-examples`): an empty chat suggests them.
    var examples: [String]?

    var isRandom: Bool { weights == "random" }

    static func random(createdBy: String) -> ModelProvenance { ModelProvenance(weights: "random", createdBy: createdBy) }

    /// The record in `directory`, nil when there is none (or it is unreadable: provenance is advisory).
    static func read(_ directory: URL) -> ModelProvenance? {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent(fileName)) else { return nil }
        return decode(data)
    }

    /// The record in duet_model.json text, nil when it is not one.
    static func decode(_ data: Data) -> ModelProvenance? {
        try? JSONDecoder().decode(ModelProvenance.self, from: data)
    }

    /// Writes the record atomically into `directory`.
    func write(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(self) + Data("\n".utf8), to: directory.appendingPathComponent(Self.fileName))
    }
}
