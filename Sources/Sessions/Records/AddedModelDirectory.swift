import Foundation

/// A model directory the user added by path (in the UI's Models screen), remembered so it is listed
/// again after a restart and by `duet models`. The path may no longer hold a model: readers show it
/// as missing rather than dropping it, so the user sees what happened and can remove it.
public struct AddedModelDirectory: Codable, Sendable, Hashable {
    /// Absolute path, as the user's path resolved when it was added.
    public var path: String
    public var addedAt: Date

    public init(path: String, addedAt: Date) {
        self.path = path
        self.addedAt = addedAt
    }
}
