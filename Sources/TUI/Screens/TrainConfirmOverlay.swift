/// A yes/no question before a Train screen action that cannot be taken back (stopping a run):
/// y or Enter confirms and runs `onConfirm`; n or Esc cancels.
final class TrainConfirmOverlay: ShellOverlay {
    let title: String
    let message: String
    private let onConfirm: () -> Void

    init(title: String, message: String, onConfirm: @escaping () -> Void) {
        self.title = title
        self.message = message
        self.onConfirm = onConfirm
    }

    var keyContexts: [KeyContext] { [.overlay] }
    var acceptsText: Bool { true }

    func perform(_ action: String) -> OverlayResult? {
        switch action {
        case "overlay.accept":
            onConfirm()
            return .close
        case "overlay.close": return .close
        default: return nil
        }
    }

    func insert(_ text: String) -> OverlayResult {
        switch text.lowercased() {
        case "y":
            onConfirm()
            return .close
        case "n": return .close
        default: return .stay
        }
    }

    func draw(in screen: Rect, grid: inout CellGrid, context: ScreenContext) {
        let width = min(screen.width - 2, 60)
        let body = TextWrapper().wrap(StyledLine(message, Style(.overlay)), width: max(1, width - 4))
        let hint = StyledLine([Span("y", .statusKey), Span(" yes   ", .overlay), Span("n", .statusKey), Span(" / Esc no", .overlay)])
        let inner = Overlay.frame(in: screen, width: width, height: body.count + 4, title: title, grid: &grid, glyphs: context.glyphs)
        for (i, line) in body.enumerated() { grid.put(line, x: inner.x, y: inner.y + i, clip: inner) }
        grid.put(hint, x: inner.x, y: inner.maxY - 1, clip: inner)
    }
}
