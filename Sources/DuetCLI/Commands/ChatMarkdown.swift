import DuetCore
import Engine
import Foundation
import Sessions

/// A chat's current branch as a Markdown document (`duet history export` and the chat screen's export).
package enum ChatMarkdown {
    package static func render(_ chat: ChatSession, model: ModelRecord?, conversation: [Message],
                       modelName: (String) -> String? = { _ in nil }) -> String {
        var text = "# \(chat.title)\n\n"
        text += "- Model: \(model.map { "\($0.displayName) (\($0.architecture), \($0.contentHash))" } ?? "none")\n"
        text += "- Created: \(CLIOutput.date(chat.createdAt))\n"
        if let system = chat.systemPrompt, !system.isEmpty { text += "- System prompt: \(system)\n" }
        for message in conversation {
            var heading = message.role.rawValue.capitalized
            if message.role == .assistant, let name = message.stats?.modelHash.flatMap(modelName) { heading += " (\(name))" }
            text += "\n## \(heading)\n\n\(message.content)\n"
            if let stats = message.stats { text += "\n*\(CLIOutput.stats(stats))*\n" }
            if message.status != .complete { text += "\n*(\(message.status.rawValue))*\n" }
        }
        return text
    }

    /// Writes the export to `$DUET_HOME/exports/chat-<id>.md` (atomically) and returns its path.
    package static func export(_ markdown: String, sessionId: Int64, home: String) throws -> String {
        let directory = home + "/exports"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/chat-\(sessionId).md"
        try AtomicFile.write(Data(markdown.utf8), to: URL(fileURLWithPath: path))
        return path
    }
}
