import Foundation

/// What the UI (or `duet`) asks a running training process to do.
public enum ControlAction: String, Codable, Sendable, CaseIterable {
    case pause, resume, stop
    /// Save a checkpoint now.
    case checkpoint
}

/// A request posted for a run; the training process polls, acts and acknowledges.
public struct ControlRequest: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64
    public var runId: Int64
    public var action: ControlAction
    public var requestedAt: Date
    /// When the training process took the request; nil while pending.
    public var acknowledgedAt: Date?
    /// What the process answered (e.g. the checkpoint path, or why it ignored the request).
    public var note: String?
}
