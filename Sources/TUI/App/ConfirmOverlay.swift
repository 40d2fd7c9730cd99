/// A yes/no question (quit while work is running): y or Enter confirms, n or Esc cancels, and the
/// quit key pressed again confirms too.
public final class ConfirmOverlay: ShellOverlay {
    public let title: String
    public let message: String

    public init(title: String, message: String) {
        self.title = title
        self.message = message
    }

    public var keyContexts: [KeyContext] { [.overlay] }
    public var acceptsText: Bool { true }
    public var allowsGlobalActions: Bool { false }

    public func perform(_ action: String) -> OverlayResult? {
        switch action {
        case "overlay.accept", "app.quit": return .quit
        case "overlay.close": return .close
        default: return nil
        }
    }

    public func insert(_ text: String) -> OverlayResult {
        switch text.lowercased() {
        case "y": return .quit
        case "n": return .close
        default: return .stay
        }
    }

    public func draw(in screen: Rect, grid: inout CellGrid, context: ScreenContext) {
        let width = min(screen.width - 2, 56)
        let body = TextWrapper().wrap(StyledLine(message, Style(.overlay)), width: max(1, width - 4))
        let hint = StyledLine([Span("y", .statusKey), Span(" quit   ", .overlay), Span("n", .statusKey), Span(" / Esc stay", .overlay)])
        let inner = Overlay.frame(in: screen, width: width, height: body.count + 4, title: title, grid: &grid, glyphs: context.glyphs)
        for (i, line) in body.enumerated() { grid.put(line, x: inner.x, y: inner.y + i, clip: inner) }
        grid.put(hint, x: inner.x, y: inner.maxY - 1, clip: inner)
    }
}
