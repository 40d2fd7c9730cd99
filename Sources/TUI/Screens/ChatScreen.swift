/// Chat: the transcript (markdown, follow-tail scrolling) above a multi-line input.
/// Until models and sessions are wired in, it shows that no model is selected and keeps what you type.
public final class ChatScreen: Screen {
    public let id = ScreenID.chat
    public var editor = InputEditor(placeholder: "Message (Enter sends, Alt+Enter new line)")
    public var transcript = MarkdownDocument()
    public var transcriptView = TextView()
    /// Called with the text when the user sends a message and a model is selected (wired by the chat feature).
    public var onSend: ((String) -> Void)? = nil

    public init() {}

    public var keyContexts: [KeyContext] { [.editor, .view] }
    public var acceptsText: Bool { true }

    public func perform(_ action: String, context: ScreenContext) -> ScreenRequest? {
        if let command = EditorCommand(rawValue: action) {
            if command == .submit {
                guard !editor.isEmpty else { return ScreenRequest.none }
                guard !context.models.isEmpty, let onSend else {
                    return .notice("No model selected — press \(context.key("screen.models") ?? "F5") to pick one")
                }
                onSend(editor.perform(.submit) ?? "")
                return ScreenRequest.none
            }
            editor.perform(command)
            return ScreenRequest.none
        }
        return transcriptView.perform(action)
    }

    public func insert(_ text: String, context: ScreenContext) -> ScreenRequest {
        editor.insert(text)
        return .none
    }

    public func draw(in rect: Rect, grid: inout CellGrid, context: ScreenContext) {
        let editorHeight = editor.preferredHeight(width: rect.width, maxHeight: max(1, rect.height / 3))
        let (top, editorRect) = rect.splitBottom(editorHeight)
        let (transcriptRect, separator) = top.splitBottom(1)
        grid.put(String(repeating: context.glyphs.horizontal, count: separator.width), x: separator.x, y: separator.y,
                 style: Style(.border))
        if transcript.source.isEmpty {
            let picker = context.key("screen.models") ?? "F5"
            let lines: [StyledLine] = context.models.isEmpty
                ? [StyledLine("No model selected — press \(picker) to pick one.", Style(.dim))]
                : [StyledLine("Chatting with \(context.models.joined(separator: ", ")). Type below.", Style(.dim))]
            drawCenteredMessage(lines, in: transcriptRect, grid: &grid)
        } else {
            transcriptView.followHint = context.key("view.bottom", in: keyContexts) ?? "Ctrl+End"
            transcriptView.draw(&transcript, in: transcriptRect, grid: &grid, glyphs: context.glyphs)
        }
        editor.draw(in: editorRect, grid: &grid, focused: true)
    }
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
