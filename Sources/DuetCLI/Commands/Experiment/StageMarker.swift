import Foundation

/// What a finished stage leaves in `DIR/stages/ID.done`: proof that it finished, and how long it took.
struct StageMarker: Codable, Sendable {
    var stage: String
    var title: String
    var seconds: Double
    var finishedAt: Date

    static func read(_ path: String) -> StageMarker? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(StageMarker.self, from: data)
    }
}
