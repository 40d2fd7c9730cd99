import Foundation

/// A model Duet has used, identified by the content hash of its weights.
///
/// The same weights at two paths are one model; registering them again updates the path.
public struct ModelRecord: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64
    /// Directory or file the weights were loaded from (most recent registration).
    public var path: String
    /// Architecture name, e.g. `gemma2` or `t5gemma`.
    public var architecture: String
    /// Number of parameters, if known.
    public var parameterCount: Int64?
    /// Content hash of the weights (for example SHA-256 hex); unique.
    public var contentHash: String
    /// A short name chosen by the user; nil shows the directory name.
    public var label: String?
    public var registeredAt: Date

    /// The label if set, else the last path component.
    public var displayName: String {
        if let label, !label.isEmpty { return label }
        return (path as NSString).lastPathComponent
    }

    public init(id: Int64, path: String, architecture: String, parameterCount: Int64?, contentHash: String,
                label: String?, registeredAt: Date) {
        self.id = id
        self.path = path
        self.architecture = architecture
        self.parameterCount = parameterCount
        self.contentHash = contentHash
        self.label = label
        self.registeredAt = registeredAt
    }
}
