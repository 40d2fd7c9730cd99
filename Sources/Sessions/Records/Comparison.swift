import DuetCore
import Foundation

/// The same prompt sent to two or more model/settings pairs, their outputs and the user's vote.
public struct Comparison: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64
    public var prompt: String
    public var systemPrompt: String?
    /// Whether the UI hid which model produced which output until the vote (blind comparison).
    public var labelsHidden: Bool
    public var vote: Vote?
    public var votedAt: Date?
    public var createdAt: Date
    /// The sides, ordered by ``ComparisonEntry/position``.
    public var entries: [ComparisonEntry]
}

/// One side of a ``Comparison``: a model, its settings, its output and stats.
public struct ComparisonEntry: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64
    public var comparisonId: Int64
    /// 0 for the left (or first) column, 1 for the next...
    public var position: Int
    public var modelId: Int64
    public var sampling: SamplingParameters?
    public var output: String
    public var status: GenerationStatus
    public var error: String?
    public var updatedAt: Date
    public var stats: MessageStats?
}

/// What to compare: a registered model and the settings to run it with.
public struct Contender: Sendable, Hashable {
    public var modelId: Int64
    public var sampling: SamplingParameters?

    public init(modelId: Int64, sampling: SamplingParameters? = nil) {
        self.modelId = modelId
        self.sampling = sampling
    }
}

/// The user's verdict on a comparison.
public enum Vote: Sendable, Hashable {
    /// The entry at `position` is best.
    case winner(position: Int)
    /// Equally good.
    case tie
    /// Equally bad (counted as a tie in win rates).
    case bothBad
}

extension Vote: Codable {
    private enum CodingKeys: String, CodingKey { case kind, position }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "winner": self = .winner(position: try container.decode(Int.self, forKey: .position))
        case "tie": self = .tie
        case "bothBad": self = .bothBad
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown vote \(other)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        if case .winner(let position) = self { try container.encode(position, forKey: .position) }
    }

    /// Stored in `comparison.voteKind`.
    var kind: String {
        switch self {
        case .winner: return "winner"
        case .tie: return "tie"
        case .bothBad: return "bothBad"
        }
    }
}

/// Head-to-head record of two models over all voted comparisons where both took part.
///
/// A comparison with more than two sides counts for several pairs: the winner beats each other side
/// (the losers are not ranked against each other); a tie or "both bad" is a tie for every pair.
/// Model A is the one with the smaller id.
public struct WinRate: Codable, Sendable, Hashable {
    public var modelA: ModelRecord
    public var modelB: ModelRecord
    public var winsA: Int
    public var winsB: Int
    public var ties: Int

    public var total: Int { winsA + winsB + ties }
    /// Share of points won by A, a tie counting half: (winsA + ties/2) / total.
    public var winRateA: Double { total == 0 ? 0 : (Double(winsA) + 0.5 * Double(ties)) / Double(total) }
}
