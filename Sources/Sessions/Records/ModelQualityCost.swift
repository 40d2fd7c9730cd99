import Foundation

/// What Duet has measured of one model for the quality-efficiency frontier (the paper's Figure 1):
/// its accuracy on an evaluation set, from the latest finished `duet eval tasks` run, and its decode
/// speed, the median over every generation stored for it (chats and comparisons).
public struct ModelQualityCost: Sendable, Equatable {
    /// The model directory (as `duet eval tasks` and the model registry record it).
    public var path: String
    /// Overall accuracy (0...1) on `evalSet`; nil when the model was not evaluated on it.
    public var accuracy: Double?
    /// Decode tokens per second, median over `generations` stored generations; without any, the
    /// median of the latest `duet eval tasks` run's replies (`speedFromEvaluation`); else nil.
    public var decodeTokensPerSecond: Double?
    public var generations: Int
    /// The speed comes from an evaluation run, not from stored chat or comparison generations.
    public var speedFromEvaluation: Bool

    public init(path: String, accuracy: Double?, decodeTokensPerSecond: Double?, generations: Int,
                speedFromEvaluation: Bool = false) {
        self.path = path
        self.accuracy = accuracy
        self.decodeTokensPerSecond = decodeTokensPerSecond
        self.generations = generations
        self.speedFromEvaluation = speedFromEvaluation
    }

    /// Milliseconds per generated token, the frontier's cost axis.
    public var millisecondsPerToken: Double? { decodeTokensPerSecond.map { 1000 / $0 } }
}

/// The frontier's data: one evaluation set (the one most models were evaluated on, as accuracies on
/// different sets do not compare) and every model with an accuracy or a decode speed.
public struct QualityCostTable: Sendable, Equatable {
    /// The evaluation file the accuracies are on; nil when no model was evaluated.
    public var evalSet: String?
    public var models: [ModelQualityCost]

    public init(evalSet: String?, models: [ModelQualityCost]) {
        self.evalSet = evalSet
        self.models = models
    }

    /// Models with both measurements that no other model beats on both (more accurate and faster,
    /// one of them strictly): the quality-efficiency frontier.
    public var frontier: [ModelQualityCost] {
        let measured = models.filter { $0.accuracy != nil && $0.decodeTokensPerSecond != nil }
        return measured.filter { m in
            !measured.contains { o in
                o.accuracy! >= m.accuracy! && o.decodeTokensPerSecond! >= m.decodeTokensPerSecond!
                    && (o.accuracy! > m.accuracy! || o.decodeTokensPerSecond! > m.decodeTokensPerSecond!)
            }
        }
    }
}
