import DuetCore
import Foundation

/// A chat: a tree of ``Message``s with a title, a model and default settings.
public struct ChatSession: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64
    public var title: String
    /// The model chosen for new replies; nil if none yet (or the model record was deleted).
    public var modelId: Int64?
    public var systemPrompt: String?
    /// Default sampling for new replies.
    public var sampling: SamplingParameters?
    public var createdAt: Date
    /// Bumped when the session is edited or a message is added or finished.
    public var updatedAt: Date

    public init(id: Int64, title: String, modelId: Int64?, systemPrompt: String?, sampling: SamplingParameters?,
                createdAt: Date, updatedAt: Date) {
        self.id = id
        self.title = title
        self.modelId = modelId
        self.systemPrompt = systemPrompt
        self.sampling = sampling
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A row of the session list: the session with its model and message count.
public struct ChatSessionSummary: Codable, Sendable, Hashable {
    public var session: ChatSession
    public var model: ModelRecord?
    public var messageCount: Int
}
