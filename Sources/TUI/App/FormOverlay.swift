/// A dialog of labelled text fields (chat settings, a path to open). Tab / Shift+Tab or Up / Down move
/// between fields, Enter saves (the save handler may refuse with a message, shown in the dialog),
/// Esc cancels. Fields take any text; the handler parses and validates it.
public final class FormOverlay: ShellOverlay {
    public struct Field {
        public var label: String
        public var hint: String
        public var editor: InputEditor
        /// Whether Alt+Enter may add lines (the editor then shows several rows).
        public var multiline: Bool

        public init(_ label: String, value: String = "", hint: String = "", multiline: Bool = false) {
            self.label = label
            self.hint = hint
            self.multiline = multiline
            editor = InputEditor(placeholder: hint)
            editor.prompt = StyledLine()
            editor.setText(value)
        }
    }

    public let title: String
    public private(set) var fields: [Field]
    public private(set) var focus = 0
    public private(set) var error: String?
    /// Called with the field texts on Enter; returns an error to show, or nil to close the dialog.
    private let onSave: ([String]) -> String?

    public init(title: String, fields: [Field], onSave: @escaping ([String]) -> String?) {
        self.title = title
        self.fields = fields
        self.onSave = onSave
    }

    public var keyContexts: [KeyContext] { [.overlay, .editor] }
    public var acceptsText: Bool { true }
    public var values: [String] { fields.map(\.editor.text) }

    public func perform(_ action: String) -> OverlayResult? {
        switch action {
        case "overlay.close": return .close
        case "overlay.accept", EditorCommand.submit.rawValue:
            error = onSave(values)
            return error == nil ? .close : .stay
        case "overlay.next-field": move(1)
        case "overlay.previous-field": move(-1)
        case EditorCommand.up.rawValue where !fields[focus].multiline || fields[focus].editor.cursorOnFirstLine: move(-1)
        case EditorCommand.down.rawValue where !fields[focus].multiline || fields[focus].editor.cursorOnLastLine: move(1)
        case EditorCommand.newline.rawValue where !fields[focus].multiline: return .stay
        default:
            guard let command = EditorCommand(rawValue: action) else { return nil }
            fields[focus].editor.perform(command)
        }
        return .stay
    }

    public func insert(_ text: String) -> OverlayResult {
        let clean = fields[focus].multiline ? text : String(text.map { $0.isNewline ? " " : $0 })
        fields[focus].editor.insert(clean)
        return .stay
    }

    private func move(_ delta: Int) {
        focus = (focus + delta + fields.count) % fields.count
    }

    public func draw(in screen: Rect, grid: inout CellGrid, context: ScreenContext) {
        let width = min(screen.width - 2, 72)
        let labelWidth = min(20, fields.map { DisplayWidth.of($0.label) }.max() ?? 0) + 2
        let fieldWidth = max(4, width - 4 - labelWidth)
        let heights = fields.map { $0.multiline ? $0.editor.preferredHeight(width: fieldWidth, maxHeight: 4) : 1 }
        let help = StyledLine([Span("Enter", .statusKey), Span(" save  ", .overlay), Span("Tab", .statusKey),
                               Span(" next field  ", .overlay), Span("Esc", .statusKey), Span(" cancel", .overlay)])
        let errorLines = error.map { TextWrapper().wrap(StyledLine($0, Style(.error)), width: max(1, width - 4)) } ?? []
        let height = min(screen.height, heights.reduce(0, +) + errorLines.count + 4)
        let inner = Overlay.frame(in: screen, width: width, height: height, title: title, grid: &grid, glyphs: context.glyphs)
        var y = inner.y
        for (i, field) in fields.enumerated() where y < inner.maxY - 1 {
            let label = StyledLine(DisplayWidth.truncate(field.label, to: labelWidth - 2), Style(i == focus ? .overlayTitle : .overlay, i == focus ? [.bold] : []))
            grid.put(label, x: inner.x, y: y, clip: inner)
            let rows = min(heights[i], inner.maxY - 1 - y)
            fields[i].editor.draw(in: Rect(x: inner.x + labelWidth, y: y, width: fieldWidth, height: rows), grid: &grid, focused: i == focus)
            y += rows
        }
        for line in errorLines where y < inner.maxY - 1 {
            grid.put(line, x: inner.x, y: y, clip: inner)
            y += 1
        }
        grid.put(help, x: inner.x, y: inner.maxY - 1, clip: inner)
    }
}

extension InputEditor {
    /// Whether the cursor is on the first / last source line (Up / Down would leave the text).
    var cursorOnFirstLine: Bool { !characters[..<cursor].contains("\n") }
    var cursorOnLastLine: Bool { !characters[cursor...].contains("\n") }
}
