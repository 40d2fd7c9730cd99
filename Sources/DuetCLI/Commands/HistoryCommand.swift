import ArgumentParser
import Foundation
import Sessions

/// `duet history ...`: chats stored in the database, headless (like `llm logs`).
package struct HistoryCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List, show, search and export stored chats.",
        subcommands: [List.self, Show.self, Search.self, Export.self],
        defaultSubcommand: List.self)

    package init() {}

    /// `duet history [list] [--json] [--limit N]`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List chats, most recent first.")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false
        @Option(help: "Show at most this many chats.") var limit = 20

        func run() throws {
            let store = try global.openStore()
            let summaries = try store.sessions(limit: limit)
            if json { print(try CLIOutput.json(summaries)); return }
            if summaries.isEmpty { print("No chats in \(store.path)."); return }
            print(CLIOutput.table(
                header: ["ID", "UPDATED", "MSGS", "MODEL", "TITLE"],
                rows: summaries.map { summary in
                    [String(summary.session.id), CLIOutput.date(summary.session.updatedAt), String(summary.messageCount),
                     summary.model?.displayName ?? "-", summary.session.title]
                }, numeric: [0, 2]))
        }
    }

    /// `duet history show SESSION [--json]`
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show a chat: its current branch, or every message with --json.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Session id (see `duet history`).") var session: Int64
        @Flag(help: "Print JSON: the session, all messages of all branches, and the ids of the current branch.")
        var json = false

        struct Document: Encodable {
            var session: ChatSession
            var model: ModelRecord?
            var messages: [Message]
            var currentBranch: [Int64]
        }

        func run() throws {
            let store = try global.openStore()
            guard let chat = try store.session(id: session) else { throw SessionsError.notFound(kind: "session", id: session) }
            let model = try chat.modelId.flatMap { try store.model(id: $0) }
            let conversation = try store.conversation(in: chat.id)
            if json {
                let document = Document(session: chat, model: model, messages: try store.messages(in: chat.id),
                                        currentBranch: conversation.map(\.id))
                print(try CLIOutput.json(document))
                return
            }
            print("# \(chat.title)")
            print("session \(chat.id) · \(model?.displayName ?? "no model") · created \(CLIOutput.date(chat.createdAt)) · updated \(CLIOutput.date(chat.updatedAt))")
            if let system = chat.systemPrompt, !system.isEmpty { print("system: \(system)") }
            let all = try store.messages(in: chat.id)
            let siblings = Dictionary(grouping: all, by: { $0.parentId ?? -1 })
            for message in conversation {
                var header = "[\(message.role.rawValue)] \(CLIOutput.date(message.createdAt))"
                let versions = siblings[message.parentId ?? -1] ?? []
                if versions.count > 1, let index = versions.firstIndex(where: { $0.id == message.id }) {
                    header += " · version \(index + 1) of \(versions.count)"
                }
                if message.status != .complete { header += " · \(message.status.rawValue)" }
                if let stats = message.stats { header += " · " + CLIOutput.stats(stats) }
                print("\n\(header)\n\(message.content)")
                if let error = message.error { print("error: \(error)") }
            }
        }
    }

    /// `duet history search QUERY [--json]`
    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "search", abstract: "Full-text search over chat titles and messages.",
            discussion: "Plain words must all match; FTS5 syntax also works: \"exact phrase\", prefix*, a OR b, NOT.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "What to look for.") var query: String
        @Flag(help: "Print JSON.") var json = false
        @Option(help: "Show at most this many hits.") var limit = 20
        @Option(help: "relevance (best match first) or recency (newest first).") var order: SearchOrder = .relevance

        func run() throws {
            let store = try global.openStore()
            let hits = try store.search(query, limit: limit, order: order)
            if json { print(try CLIOutput.json(hits)); return }
            if hits.isEmpty { print("No match for \(query)."); return }
            for hit in hits {
                if let messageId = hit.messageId {
                    let role = hit.role?.rawValue ?? "?"
                    print("session \(hit.sessionId) \"\(hit.sessionTitle)\" · message \(messageId) (\(role))")
                    print("    \(hit.snippet.replacingOccurrences(of: "\n", with: " "))")
                } else {
                    print("session \(hit.sessionId) title: \(hit.snippet)")
                }
            }
        }
    }

    /// `duet history export SESSION --format markdown|jsonl`
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export", abstract: "Export a chat as Markdown (current branch) or JSON Lines (every message).")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case markdown, jsonl
        }

        /// One line of a JSON Lines export: the session first, then every message.
        enum Line: Encodable {
            case session(ChatSession, model: ModelRecord?)
            case message(Message)

            private enum Keys: String, CodingKey { case type, session, model, message }

            func encode(to encoder: Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                switch self {
                case .session(let session, let model):
                    try container.encode("session", forKey: .type)
                    try container.encode(session, forKey: .session)
                    try container.encodeIfPresent(model, forKey: .model)
                case .message(let message):
                    try container.encode("message", forKey: .type)
                    try container.encode(message, forKey: .message)
                }
            }
        }

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Session id.") var session: Int64
        @Option(help: "markdown or jsonl.") var format: Format

        func run() throws {
            let store = try global.openStore()
            guard let chat = try store.session(id: session) else { throw SessionsError.notFound(kind: "session", id: session) }
            let model = try chat.modelId.flatMap { try store.model(id: $0) }
            switch format {
            case .jsonl:
                print(try CLIOutput.jsonLine(Line.session(chat, model: model)))
                for message in try store.messages(in: chat.id) { print(try CLIOutput.jsonLine(Line.message(message))) }
            case .markdown:
                print(markdown(chat, model: model, conversation: try store.conversation(in: chat.id)), terminator: "")
            }
        }

        func markdown(_ chat: ChatSession, model: ModelRecord?, conversation: [Message]) -> String {
            ChatMarkdown.render(chat, model: model, conversation: conversation)
        }
    }
}

extension SearchOrder: ExpressibleByArgument {}
