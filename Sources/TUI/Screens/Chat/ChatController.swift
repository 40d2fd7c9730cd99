import DuetCLI
import DuetCore
import Engine
import Foundation
import Sessions

/// The open chat: its session, its message tree, the branch on screen and the reply being generated.
/// Runs on the UI thread; generation runs on the engine queue and reports back through the event queue
/// (see ChatController+Generation). Every change is written to the database as it happens.
final class ChatController {
    let workspace: Workspace
    private(set) var session: ChatSession?
    private(set) var tree = ConversationTree()
    /// The last message of the branch on screen.
    private(set) var leaf: Int64?
    var transcript: ChatTranscript
    /// The reply being generated, if any.
    var streaming: StreamingReply?
    /// The user message being edited (Enter sends the new version as a sibling: a new branch).
    var editing: Int64?
    /// Settings chosen before the session exists (applied when the first message creates it).
    var draftSystemPrompt: String?
    var draftSampling: SamplingParameters?
    /// A reply waiting for its model to load: run with each loaded model until it returns true.
    var pendingStart: ((ModelEntry) -> Bool)?
    private var modelNames: [String: String] = [:]  // content hash -> name, for stored replies
    /// The terminal's glyphs (the transcript is rebuilt with them).
    var glyphs: Glyphs = .unicode {
        didSet { if glyphs != oldValue { rebuildTranscript() } }
    }

    /// A reply in progress.
    struct StreamingReply {
        var messageId: Int64
        var cancel: CancellationFlag
        var modelName: String
        var started: Double
        var tokens = 0
        /// Not running yet: waiting for the model to load or for the engine.
        var waiting: String?
    }

    init(workspace: Workspace) {
        self.workspace = workspace
        transcript = ChatTranscript()
    }

    var store: DuetStore? { workspace.store }
    var isGenerating: Bool { streaming != nil }
    /// A message or reply is being written to the database (the reply starts when it is stored).
    var saving = false
    /// Generating, or about to: the chat cannot switch, start over or send another message.
    var isBusy: Bool { streaming != nil || saving }

    /// What a user is told when an action has to wait for `isBusy` to clear, ending with `then`
    /// (how to get there). Saving takes a moment and cannot be stopped; a reply can.
    func busyNotice(_ then: String = "first") -> String {
        saving ? "Your message is still being saved — try again in a moment"
               : "A reply is being generated — Esc stops it \(then)"
    }
    var systemPrompt: String? { session?.systemPrompt ?? (session == nil ? draftSystemPrompt : nil) }
    var sampling: SamplingParameters? { session == nil ? draftSampling : session?.sampling }
    /// The branch on screen, root first.
    var branch: [Message] { leaf.map { tree.path(to: $0) } ?? [] }

    // MARK: Sessions

    /// Opens the most recently updated session (at start), if any.
    func openLatest() throws {
        guard let store, let latest = try store.sessions(limit: 1).first else { return }
        try open(latest.session.id)
    }

    /// Opens a session on its latest branch, or on the branch through `message`.
    func open(_ id: Int64, showing message: Int64? = nil) throws {
        guard let store, let found = try store.session(id: id) else { return }
        session = found
        tree = ConversationTree(try store.messages(in: id))
        leaf = message.map { tree.latestLeaf(under: $0) } ?? tree.latestLeaf
        editing = nil
        for record in try store.models() { modelNames[record.contentHash] = record.displayName }
        rebuildTranscript()
    }

    /// Starts an empty chat (the session is created by the first message).
    func newChat() {
        session = nil
        tree = ConversationTree()
        leaf = nil
        editing = nil
        draftSystemPrompt = nil
        draftSampling = nil
        rebuildTranscript()
    }

    /// Saves the system prompt and sampling of this chat (or keeps them for the chat about to start).
    /// The screen shows the new settings at once; the database write runs on the database queue.
    func saveSettings(systemPrompt: String?, sampling: SamplingParameters?) {
        guard var current = session else {
            draftSystemPrompt = systemPrompt
            draftSampling = sampling
            return
        }
        current.systemPrompt = systemPrompt
        current.sampling = sampling
        persist(current, what: "the chat settings")
    }

    /// The title a chat gets from its first message: the first line, at most 60 columns.
    static func title(forFirstMessage text: String) -> String {
        let firstLine = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? "Chat"
        let title = DisplayWidth.truncate(firstLine.trimmingCharacters(in: .whitespaces), to: 60)
        return title.isEmpty ? "Chat" : title
    }

    /// Makes `stored` the open session (the one `send` created or wrote to on the database queue).
    func adopt(_ stored: ChatSession) { session = stored }

    func setSessionModel(_ modelId: Int64?) {
        guard var current = session, let modelId, current.modelId != modelId else { return }
        current.modelId = modelId
        persist(current, what: "the chat's model")
    }

    /// Shows `updated` now and writes it on the database queue. Writes run in order, so the last
    /// change made is the one stored; a failure is reported and the screen keeps the user's choice.
    private func persist(_ updated: ChatSession, what: String) {
        session = updated
        workspace.write({ try $0.updateSession(updated) }) { [weak self] result, shell in
            switch result {
            case .success(let saved):
                if let self, self.session?.id == saved.id, self.session == updated { self.session = saved }
            case .failure(let error):
                shell.showNotice("Could not save \(what): \(error)", now: TUIApp.clock())
            }
        }
    }

    // MARK: Tree changes

    func insert(_ message: Message, makeLeaf: Bool = true) {
        tree.insert(message)
        if makeLeaf { leaf = message.id }
    }

    func updateMessage(_ id: Int64, _ change: (inout Message) -> Void) { tree.update(id, change) }

    /// Shows another version of the message at `index` of the branch (-1 previous, +1 next), with
    /// the latest continuation under it. Returns false at either end.
    @discardableResult
    func switchVersion(at index: Int, by offset: Int) -> Bool {
        let current = branch
        guard current.indices.contains(index), let other = tree.sibling(of: current[index].id, offset: offset) else { return false }
        leaf = tree.latestLeaf(under: other)
        rebuildTranscript()
        return true
    }

    // MARK: Transcript

    /// Builds the transcript items from the branch (after opening, branching, or a finished reply).
    func rebuildTranscript() {
        var fresh = ChatTranscript(glyphs: glyphs)
        fresh.setItems(branch.map(item(for:)))
        if let selected = transcript.selectedItem, !fresh.items.isEmpty { fresh.selectedItem = min(selected, fresh.items.count - 1) }
        transcript = fresh
    }

    func item(for message: Message) -> TranscriptItem {
        TranscriptItem(id: message.id, role: message.role, header: header(for: message), text: message.content,
                       footer: footer(for: message), glyphs: glyphs)
    }

    func header(for message: Message) -> StyledLine {
        var line = StyledLine()
        switch message.role {
        case .user: line.append("You", Style(.accent, [.bold]))
        case .system: line.append("System", Style(.dim, [.bold]))
        case .assistant:
            let name = streaming?.messageId == message.id ? streaming!.modelName
                : message.stats?.modelHash.flatMap(modelName(forHash:)) ?? "model"
            line.append(name, Style(.title, [.bold]))
        }
        let versions = tree.versions(of: message.id)
        if versions.count > 1, let i = versions.firstIndex(of: message.id) {
            line.append("  ‹ version \(i + 1) of \(versions.count) ›", Style(.dim))
        }
        if editing == message.id { line.append("  editing", Style(.warning, [.bold])) }
        return line
    }

    func footer(for message: Message) -> StyledLine? {
        guard message.role == .assistant else { return nil }
        if let s = streaming, s.messageId == message.id {
            if let waiting = s.waiting { return StyledLine(waiting, Style(.dim, [.italic])) }
            return StyledLine(StatsText.live(tokens: s.tokens, seconds: TUIApp.clock() - s.started), Style(.dim, [.italic]))
        }
        var line = StyledLine()
        switch message.status {
        case .stopped: line.append("stopped · ", Style(.warning))
        case .failed: line.append("failed: \(message.error ?? "unknown error")", Style(.error))
        case .interrupted: line.append("interrupted (Duet was closed while this was generated)", Style(.warning))
        case .streaming: line.append("generating elsewhere", Style(.dim))
        case .pending, .complete: break
        }
        if let stats = message.stats, message.status != .failed { line.append(StatsText.footer(stats), Style(.dim)) }
        return line.spans.isEmpty ? nil : line
    }

    /// The name of the model whose weights have `hash` (loaded models first: their names say "random weights").
    func modelName(forHash hash: String) -> String? {
        workspace.models.entries.first { $0.record?.contentHash == hash }?.displayName ?? modelNames[hash]
    }

    func rememberModel(_ record: ModelRecord?, name: String) {
        if let record { modelNames[record.contentHash] = name }
    }
}
