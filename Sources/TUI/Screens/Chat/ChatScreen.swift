import DuetCLI
import Foundation
import Sessions

extension KeyContext {
    /// Chat-wide actions (new chat, stop, regenerate...), below the focused element.
    static let chat = KeyContext(rawValue: "chat")
    /// The chat list beside the conversation.
    static let sessions = KeyContext(rawValue: "sessions")
    /// Copy mode: a message or code block of the conversation is selected.
    static let copy = KeyContext(rawValue: "copy")
}

/// Chat: the list of chats (Sessions, newest first, `/` searches), the conversation (markdown-lite,
/// follow-tail, per-reply stats) and the multi-line input. Enter sends; the reply streams in while
/// the UI stays responsive; Esc stops it. Copy mode selects a message or code block to copy, edit
/// (a new branch) or regenerate, and walks between versions.
public final class ChatScreen: Screen {
    public let id = ScreenID.chat
    public var editor = InputEditor(placeholder: "Message (Enter sends, Alt+Enter new line)")
    public var transcriptView = TextView()
    let controller: ChatController
    var sessions = SessionListPane()
    enum Focus { case editor, sessions, copy }
    private(set) var focus = Focus.editor
    /// Copy mode: the code block of the selected message (nil: the whole message).
    private(set) var codeBlock: Int?
    private var opened = false
    /// Below this width the chat list is shown only while it has focus.
    static let sidebarMinimumWidth = 100

    init(workspace: Workspace) {
        controller = ChatController(workspace: workspace)
        workspace.models.onLoad.append { [weak self] entry in self?.controller.modelLoaded(entry) }
    }

    var workspace: Workspace { controller.workspace }
    var transcript: ChatTranscript {
        get { controller.transcript }
        set { controller.transcript = newValue }
    }

    public var keyContexts: [KeyContext] {
        switch focus {
        case .editor: return [.editor, .chat, .view]
        case .sessions: return sessions.isSearching ? [.sessions, .list, .editor, .chat] : [.sessions, .list, .chat, .view]
        case .copy: return [.copy, .chat, .view]
        }
    }

    public var acceptsText: Bool { focus == .editor || (focus == .sessions && sessions.isSearching) }

    public var busyReason: String? {
        controller.isGenerating ? "a reply is being generated" : controller.saving ? "a message is being saved" : nil
    }

    public var statusModels: [String]? {
        guard let model = workspace.models.chatModel else { return nil }
        if model.isLoading { return [model.displayName + " (loading)"] }
        if model.loadError != nil { return [model.displayName + " (failed to load)"] }
        return [model.displayName]
    }

    public var actions: [KeyAction] {
        [
            KeyAction("chat.new", "New chat", .chat, ["ctrl+n"], command: true),
            KeyAction("chat.sessions", "Chats: go to the list (/ searches)", .chat, ["ctrl+o"], command: true),
            KeyAction("chat.stop", "Stop the reply / cancel editing", .chat, ["esc"], command: true),
            KeyAction("chat.regenerate", "Regenerate the last reply (a new version)", .chat, ["ctrl+r"], command: true),
            KeyAction("chat.copy-mode", "Select a message or code block: copy, edit, versions", .chat, ["ctrl+y"], command: true),
            KeyAction("chat.settings", "Chat settings: system prompt and sampling", .chat, ["f6", "alt+s"], command: true),
            KeyAction("chat.export", "Export the chat to Markdown", .chat, ["alt+e"], command: true),
            KeyAction("sessions.search", "Search chats and messages", .sessions, ["/"]),
            KeyAction("sessions.close", "Back to the message input", .sessions, ["esc", "tab"]),
            KeyAction("copy.up", "Previous message", .copy, ["up", "k"]),
            KeyAction("copy.down", "Next message", .copy, ["down", "j"]),
            KeyAction("copy.block", "Next code block of the message", .copy, ["tab"]),
            KeyAction("copy.copy", "Copy the selection (OSC 52 and clipboard.txt)", .copy, ["y", "enter"]),
            KeyAction("copy.edit", "Edit this message (sends a new version: a branch)", .copy, ["e"]),
            KeyAction("copy.regenerate", "Regenerate this reply", .copy, ["r"]),
            KeyAction("copy.previous-version", "Previous version of this message", .copy, ["left", "h"]),
            KeyAction("copy.next-version", "Next version of this message", .copy, ["right", "l"]),
            KeyAction("copy.close", "Leave copy mode", .copy, ["esc", "q"]),
        ]
    }

    public func activate(_ context: ScreenContext) {
        controller.glyphs = context.glyphs
        guard !opened else { return }
        opened = true
        workspace.models.chatModel.map { workspace.models.load($0.path) }
        do { try controller.openLatest() } catch { sessions.reload(nil, current: nil) }
        sessions.reload(workspace.store, current: controller.session?.id)
    }

    // MARK: Input

    public func perform(_ action: String, context: ScreenContext) -> ScreenRequest? {
        switch focus {
        case .sessions: if let result = performInList(action) { return result }
        case .copy: if let result = performInCopyMode(action, context: context) { return result }
        case .editor: break
        }
        if let command = EditorCommand(rawValue: action), focus == .editor { return performInEditor(command, context: context) }
        switch action {
        case "chat.new":
            if controller.isBusy { return .notice(controller.busyNotice()) }
            controller.newChat()
            editor.setText("")
            focus = .editor
            sessions.reload(workspace.store, current: nil)
            return .notice("New chat")
        case "chat.sessions":
            focus = focus == .sessions ? .editor : .sessions
            sessions.reload(workspace.store, current: controller.session?.id)
        case "chat.stop":
            if controller.isGenerating {
                controller.stop()
                return .notice("Stopping…")
            }
            if controller.editing != nil {
                controller.editing = nil
                editor.setText("")
                controller.rebuildTranscript()
                return .notice("Edit cancelled")
            }
        case "chat.regenerate": return attempt { try controller.regenerate() }
        case "chat.copy-mode": return enterCopyMode()
        case "chat.settings": return .overlay(settingsForm())
        case "chat.export": return export()
        default: return transcriptView.perform(action)
        }
        return ScreenRequest.none
    }

    private func performInEditor(_ command: EditorCommand, context: ScreenContext) -> ScreenRequest {
        guard command == .submit else {
            editor.perform(command)
            return .none
        }
        guard !editor.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return .none }
        if workspace.models.chatModel == nil {
            return .notice("No model selected — press \(context.key("screen.models") ?? "F5") to pick one")
        }
        let text = editor.text
        do {
            try controller.send(text) { [weak self] error, shell in
                guard let self else { return }
                if let error {
                    // Nothing is lost: the text goes back into the (empty) editor.
                    if editor.text.isEmpty { editor.setText(text) }
                    shell.showNotice("Could not send: \(error)", now: TUIApp.clock())
                    return
                }
                transcriptView.scrollToBottom()
                sessions.reload(workspace.store, current: controller.session?.id)
            }
            editor.perform(.submit)
            transcriptView.scrollToBottom()
            return .none
        } catch {
            return .notice("\(error)")
        }
    }

    private func performInList(_ action: String) -> ScreenRequest? {
        switch action {
        case "list.up": sessions.list.move(by: -1, count: sessions.rows.count)
        case "list.down": sessions.list.move(by: 1, count: sessions.rows.count)
        case "list.page-up": sessions.list.pageUp(count: sessions.rows.count)
        case "list.page-down": sessions.list.pageDown(count: sessions.rows.count)
        case "sessions.search": sessions.beginSearch()
        case "sessions.close":
            if sessions.isSearching || !sessions.query.isEmpty {
                sessions.endSearch(clear: true)
                sessions.reload(workspace.store, current: controller.session?.id)
            } else {
                focus = .editor
            }
        case "list.select":
            guard let row = sessions.selected else { return ScreenRequest.none }
            if controller.isBusy && row.sessionId != controller.session?.id {
                return .notice(controller.busyNotice("before you switch chats"))
            }
            sessions.endSearch(clear: false)
            do {
                try controller.open(row.sessionId, showing: row.messageId)
            } catch {
                return .notice("\(error)")
            }
            editor.setText("")
            focus = .editor
            transcriptView.scrollToBottom()
            return followSessionModel().map { .notice($0) } ?? ScreenRequest.none
        default:
            guard sessions.isSearching, let command = EditorCommand(rawValue: action), command != .submit, command != .newline else { return nil }
            sessions.search.perform(command)
            sessions.reload(workspace.store, current: nil)
        }
        return ScreenRequest.none
    }

    public func insert(_ text: String, context: ScreenContext) -> ScreenRequest {
        if focus == .sessions, sessions.isSearching {
            sessions.search.insert(String(text.map { $0.isNewline ? " " : $0 }))
            sessions.list.selection = 0
            sessions.reload(workspace.store, current: nil)
        } else if focus == .editor {
            editor.insert(text)
        }
        return .none
    }

    /// Makes the model the open chat last used the chat model again (when Duet still finds it), so
    /// the next reply continues with the same model. Returns the notice to show, if it switched.
    private func followSessionModel() -> String? {
        guard let id = controller.session?.modelId else { return nil }
        let hub = workspace.models
        let known = hub.entry(recordId: id) ?? (try? workspace.store?.model(id: id))?.flatMap { hub.entry($0.path) }
        guard let known, known.path != hub.chatPath else { return nil }
        hub.selectForChat(known.path)
        return "This chat used \(known.displayName): switched to it"
    }

    /// Runs `body`, turning a thrown error into a status notice.
    private func attempt(_ body: () throws -> Void) -> ScreenRequest {
        do { try body(); return .none } catch { return .notice("\(error)") }
    }

    private func export() -> ScreenRequest {
        guard let session = controller.session else { return .notice("Nothing to export yet") }
        let model = try? session.modelId.flatMap { try workspace.store?.model(id: $0) }
        let text = ChatMarkdown.render(session, model: model ?? nil, conversation: controller.branch,
                                       modelName: controller.modelName(forHash:))
        do {
            let path = try ChatMarkdown.export(text, sessionId: session.id, home: workspace.paths.home)
            return .notice("Exported the chat to \(path)")
        } catch {
            return .notice("Could not export the chat: \(error)")
        }
    }

    // MARK: Copy mode

    private func enterCopyMode() -> ScreenRequest {
        guard !transcript.isEmpty else { return .notice("Nothing to select yet") }
        focus = .copy
        codeBlock = nil
        transcript.selectedItem = transcript.items.count - 1
        return .none
    }

    private func performInCopyMode(_ action: String, context: ScreenContext) -> ScreenRequest? {
        guard let index = transcript.selectedItem, index < transcript.items.count else {
            focus = .editor
            return nil
        }
        let item = transcript.items[index]
        let message = controller.tree[item.id]
        switch action {
        case "copy.up", "copy.down":
            transcript.selectedItem = max(0, min(transcript.items.count - 1, index + (action == "copy.up" ? -1 : 1)))
            codeBlock = nil
        case "copy.block":
            let blocks = CodeBlocks.extract(message?.content ?? "")
            guard !blocks.isEmpty else { return .notice("This message has no code block") }
            codeBlock = codeBlock.map { $0 + 1 < blocks.count ? $0 + 1 : nil } ?? 0
        case "copy.copy":
            let blocks = CodeBlocks.extract(message?.content ?? "")
            if let b = codeBlock, b < blocks.count { return .copy(blocks[b].code, what: "code block \(b + 1)") }
            return .copy(message?.content ?? "", what: "message")
        case "copy.edit":
            guard let message, message.role == .user else { return .notice("Only your messages can be edited; r regenerates a reply") }
            if controller.isBusy { return .notice(controller.busyNotice()) }
            controller.editing = message.id
            editor.setText(message.content)
            controller.transcript.setHeader(controller.header(for: message), of: message.id)
            leaveCopyMode()
            return .notice("Editing: Enter sends the new version as a branch, Esc cancels")
        case "copy.regenerate":
            guard let message, message.role == .assistant else { return .notice("Select a reply to regenerate") }
            leaveCopyMode()
            return attempt { try controller.regenerate(message.id) }
        case "copy.previous-version", "copy.next-version":
            if controller.isBusy { return .notice(controller.busyNotice()) }
            if !controller.switchVersion(at: index, by: action == "copy.previous-version" ? -1 : 1) {
                return .notice(controller.tree.versions(of: item.id).count > 1 ? "No more versions that way" : "This message has one version")
            }
            transcript.selectedItem = index
            codeBlock = nil
        case "copy.close": leaveCopyMode()
        default: return nil
        }
        return ScreenRequest.none
    }

    private func leaveCopyMode() {
        focus = .editor
        codeBlock = nil
        transcript.selectedItem = nil
    }

    // MARK: Drawing

    public func draw(in rect: Rect, grid: inout CellGrid, context: ScreenContext) {
        controller.glyphs = context.glyphs
        controller.transcript.selectedCodeBlock = focus == .copy ? codeBlock : nil
        var main = rect
        if rect.width >= Self.sidebarMinimumWidth || focus == .sessions {
            let sideWidth = rect.width >= Self.sidebarMinimumWidth ? 32 : rect.width
            let (side, rest) = rect.splitLeft(sideWidth)
            sessions.draw(in: side, grid: &grid, focused: focus == .sessions, glyphs: context.glyphs,
                          searchKey: context.key("sessions.search", in: [.sessions]) ?? "/")
            guard rest.width > 1 else { return }
            let (divider, remainder) = rest.splitLeft(1)
            for y in divider.y..<divider.maxY { grid.put(context.glyphs.vertical, x: divider.x, y: y, style: Style(.border)) }
            main = remainder
        }
        let editorHeight = editor.preferredHeight(width: main.width, maxHeight: max(1, main.height / 3))
        let (top, editorRect) = main.splitBottom(editorHeight)
        let (transcriptRect, separator) = top.splitBottom(1)
        drawSeparator(in: separator, grid: &grid, context: context)
        if transcript.isEmpty {
            drawEmptyState(in: transcriptRect, grid: &grid, context: context)
        } else {
            transcriptView.followHint = context.key("view.bottom", in: [.view]) ?? "End"
            if focus == .copy, let selected = transcript.selectedItem {
                let count = transcript.layout(width: transcriptRect.width)
                transcriptView.reveal(transcript.lineRange(ofItem: selected), lineCount: count, height: transcriptRect.height)
            }
            transcriptView.draw(&controller.transcript, in: transcriptRect, grid: &grid, glyphs: context.glyphs)
        }
        editor.draw(in: editorRect, grid: &grid, focused: focus == .editor)
    }

    private func drawSeparator(in row: Rect, grid: inout CellGrid, context: ScreenContext) {
        grid.put(String(repeating: context.glyphs.horizontal, count: row.width), x: row.x, y: row.y, style: Style(.border))
        var label = StyledLine()
        if focus == .copy, let index = transcript.selectedItem, index < transcript.items.count {
            let id = transcript.items[index].id
            label.append(" COPY ", Style(.tabActive, [.bold]))
            label.append(" message \(index + 1) of \(transcript.items.count)", Style(.accent))
            let blocks = CodeBlocks.extract(controller.tree[id]?.content ?? "")
            if let b = codeBlock, b < blocks.count {
                label.append(" · code block \(b + 1) of \(blocks.count)" + (blocks[b].info.isEmpty ? "" : " (\(blocks[b].info))"), Style(.accent))
            } else if !blocks.isEmpty {
                label.append(" · \(blocks.count) code block\(blocks.count == 1 ? "" : "s")", Style(.dim))
            }
            label.append("  y copy · e edit · ←→ version · r regenerate · Tab code · Esc done ", Style(.dim))
        } else if controller.saving {
            label.append(" saving your message… ", Style(.dim, [.italic]))
        } else if controller.editing != nil {
            label.append(" editing a message: Enter sends it as a new version, Esc cancels ", Style(.warning))
        } else if let s = controller.streaming {
            label.append(" \(s.modelName): " + (s.waiting ?? "generating") + " · Esc stops ", Style(.dim))
        }
        if !label.spans.isEmpty { grid.put(label, x: row.x + 1, y: row.y, clip: row) }
    }

    private func drawEmptyState(in rect: Rect, grid: inout CellGrid, context: ScreenContext) {
        let picker = context.key("screen.models") ?? "F5"
        guard let model = workspace.models.chatModel else {
            drawCenteredMessage([StyledLine("No model selected — press \(picker) to pick one.", Style(.dim))], in: rect, grid: &grid)
            return
        }
        var lines = [StyledLine("Chatting with \(model.displayName).", Style(.title, [.bold]))]
        if model.isLoading { lines.append(StyledLine("Loading the model…", Style(.dim))) }
        if let error = model.loadError { lines.append(StyledLine("It failed to load: \(error)", Style(.error))) }
        if model.isRandom {
            lines.append(StyledLine("Its weights are random (made by duet init): expect noise, not answers.", Style(.warning)))
        }
        lines.append(StyledLine("Type below; Enter sends. \(context.key("chat.settings", in: [.chat]) ?? "F6") sets the system prompt and sampling.", Style(.dim)))
        if !model.examples.isEmpty {
            // A small model answers only what it was trained on: say what that is, with questions it got right.
            lines.append(StyledLine(""))
            lines.append(StyledLine("It answers small tasks; try:", Style(.dim)))
            lines += model.examples.map { StyledLine("“" + $0 + "”") }
        }
        drawCenteredMessage(lines, in: rect, grid: &grid)
    }
}

extension ChatScreen: StopsOnQuit {
    func stopForQuit() { controller.stop() }
}

extension TextView {
    /// Runs a `view.*` keymap action; nil if `action` is not one.
    mutating func perform(_ action: String) -> ScreenRequest? {
        switch action {
        case "view.line-up": scroll(by: -1)
        case "view.line-down": scroll(by: 1)
        case "view.page-up": pageUp()
        case "view.page-down": pageDown()
        case "view.top": scrollToTop()
        case "view.bottom": scrollToBottom()
        default: return nil
        }
        return ScreenRequest.none
    }
}
