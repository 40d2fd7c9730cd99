import DuetCore
import Foundation

/// A checkpoint a run saved, with the evaluation results measured on it.
public struct CheckpointRecord: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64
    public var runId: Int64
    public var step: Int64
    /// Directory or file of the checkpoint.
    public var path: String
    /// Content hash of the saved weights.
    public var contentHash: String?
    /// Evaluation results, e.g. `{"valLoss": 2.1, "perplexity": 8.2}`.
    public var evalResults: JSONValue?
    public var createdAt: Date
}
