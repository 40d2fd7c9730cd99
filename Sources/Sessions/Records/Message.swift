import Foundation

/// The state of a generated text (a chat reply or a comparison output).
public enum GenerationStatus: String, Codable, Sendable, CaseIterable {
    /// Not started yet (comparison outputs waiting for their turn).
    case pending
    /// Being generated; the stored text is what was shown at the last flush.
    case streaming
    /// Generation ended normally.
    case complete
    /// The user stopped it; the text is kept.
    case stopped
    /// Generation failed; see the record's `error`.
    case failed
    /// Never stored: reported by queries for a `streaming` text whose writer stopped updating it
    /// (its process crashed or was killed) for longer than ``DuetStore/Options/staleReplyAfter``.
    case interrupted
}

/// One message of a chat. Messages form a tree: editing a message or regenerating a reply adds a
/// sibling (same parent), so every earlier version stays.
public struct Message: Codable, Sendable, Hashable, Identifiable {
    public enum Role: String, Codable, Sendable, CaseIterable {
        case system, user, assistant
    }

    public var id: Int64
    public var sessionId: Int64
    /// nil for the first message of a branch root.
    public var parentId: Int64?
    public var role: Role
    public var content: String
    /// `complete` for messages written at once; replies go through `streaming`.
    public var status: GenerationStatus
    /// Why generation failed, for `failed` replies.
    public var error: String?
    public var createdAt: Date
    /// Last time the content was written (a streaming reply updates it at every flush).
    public var updatedAt: Date
    /// Generation statistics, for finished or stopped model replies.
    public var stats: MessageStats?

    public init(id: Int64, sessionId: Int64, parentId: Int64?, role: Role, content: String,
                status: GenerationStatus, error: String?, createdAt: Date, updatedAt: Date, stats: MessageStats?) {
        self.id = id
        self.sessionId = sessionId
        self.parentId = parentId
        self.role = role
        self.content = content
        self.status = status
        self.error = error
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.stats = stats
    }
}
