import DuetCore
import Foundation

/// What a training-like process does.
public enum RunKind: String, Codable, Sendable, CaseIterable {
    case pretrain, adapt, sft, eval
}

/// Lifecycle of a run.
///
/// Allowed transitions: `queued` → `running`, `stopped`, `failed`; `running` ⇄ `paused`;
/// `running`/`paused` → `finished`, `failed`, `stopped`. `finished`, `failed` and `stopped` are final.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    case queued, running, paused, finished, failed, stopped
    /// Never stored: reported by queries for a `running` or `paused` run whose process stopped
    /// sending heartbeats (older than ``DuetStore/Options/staleRunAfter``) or, on this host, no longer exists.
    case lost

    /// `finished`, `failed` or `stopped`.
    public var isFinal: Bool { self == .finished || self == .failed || self == .stopped }

    /// Whether a run may go from `self` to `next`.
    public func canTransition(to next: RunStatus) -> Bool {
        switch (self, next) {
        case (.queued, .running), (.queued, .stopped), (.queued, .failed): return true
        case (.running, .paused), (.paused, .running): return true
        case (.running, .finished), (.running, .failed), (.running, .stopped): return true
        case (.paused, .finished), (.paused, .failed), (.paused, .stopped): return true
        default: return false
        }
    }
}

/// A training, adaptation or evaluation run, written by the process doing the work and read by
/// the TUI and `duet runs`.
public struct Run: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64
    public var kind: RunKind
    /// Optional human name.
    public var name: String?
    /// The full configuration the run was started with.
    public var config: JSONValue
    /// The status to show: the stored one, or `lost` (see ``RunStatus/lost``).
    public var status: RunStatus
    /// The status as stored (never `lost`).
    public var recordedStatus: RunStatus
    /// Process id of the worker while it runs.
    public var processId: Int32?
    /// Host the worker runs on.
    public var hostName: String?
    /// Last sign of life from the worker.
    public var heartbeatAt: Date?
    public var outputDirectory: String?
    public var createdAt: Date
    public var startedAt: Date?
    public var endedAt: Date?
    /// Why the run failed.
    public var error: String?
    /// The peak its MFU metric is relative to (nil: none recorded, as for runs before Duet stored it).
    public var mfuReference: MFUReference?
}
