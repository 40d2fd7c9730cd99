/// Compare: two models side by side on the same prompt (A | B), the prompt input below.
/// Until models are wired in, each side says it has no model.
public final class CompareScreen: Screen {
    public let id = ScreenID.compare
    public var editor = InputEditor(placeholder: "Prompt for both models (Enter runs)")

    init(workspace: Workspace) {}

    public var keyContexts: [KeyContext] { [.editor, .view] }
    public var acceptsText: Bool { true }

    public func perform(_ action: String, context: ScreenContext) -> ScreenRequest? {
        guard let command = EditorCommand(rawValue: action) else { return nil }
        if command == .submit {
            guard !editor.isEmpty else { return ScreenRequest.none }
            return .notice("Compare needs two models — press \(context.key("screen.models") ?? "F5") to pick them")
        }
        editor.perform(command)
        return ScreenRequest.none
    }

    public func insert(_ text: String, context: ScreenContext) -> ScreenRequest {
        editor.insert(text)
        return .none
    }

    public func draw(in rect: Rect, grid: inout CellGrid, context: ScreenContext) {
        let editorHeight = editor.preferredHeight(width: rect.width, maxHeight: max(1, rect.height / 3))
        let (top, editorRect) = rect.splitBottom(editorHeight)
        let (panes, separator) = top.splitBottom(1)
        grid.put(String(repeating: context.glyphs.horizontal, count: separator.width), x: separator.x, y: separator.y,
                 style: Style(.border))
        let (left, rest) = panes.splitLeft((panes.width - 1) / 2)
        let (divider, right) = rest.splitLeft(1)
        for y in divider.y..<divider.maxY { grid.put(context.glyphs.vertical, x: divider.x, y: y, style: Style(.border)) }
        let picker = context.key("screen.models") ?? "F5"
        for (label, pane, model) in [("A", left, context.models.first), ("B", right, context.models.dropFirst().first)] {
            let (header, body) = pane.splitTop(1)
            var title = StyledLine(" \(label) ", Style(.title, [.bold]))
            title.append(model ?? "no model", Style(model == nil ? .dim : .normal))
            grid.put(title, x: header.x, y: header.y, clip: header)
            if model == nil {
                drawCenteredMessage([StyledLine("No model — press \(picker) to pick one.", Style(.dim))], in: body, grid: &grid)
            }
        }
        editor.draw(in: editorRect, grid: &grid, focused: true)
    }
}
