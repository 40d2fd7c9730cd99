import DuetCLI

/// The Train screen's "chat with the latest checkpoint": adds the directory to the model list,
/// makes it the chat model (loading it in the background) and shows the chat.
extension ChatScreen: ChatOpening {
    public func openChat(modelDirectory: String, context: ScreenContext) -> ScreenRequest {
        if let problem = workspace.models.add(directory: modelDirectory) { return .notice(problem) }
        workspace.models.selectForChat(ModelDiscovery.absolute(modelDirectory))
        return .notice("Chat: loading \(modelDirectory)")
    }
}
