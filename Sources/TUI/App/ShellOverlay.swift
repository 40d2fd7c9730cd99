/// What an overlay wants after handling input.
public enum OverlayResult: Equatable {
    /// Handled; stay open.
    case stay
    /// Close this overlay.
    case close
    /// Close this overlay, then run a keymap action (the palette's Enter).
    case closeAndRun(String)
    /// Quit the app now (the quit confirmation).
    case quit
}

/// A modal box over the current screen (help, command palette, confirmation). While one is open it gets
/// the keys first; a global action (F2, Ctrl+Q...) closes it and then runs.
public protocol ShellOverlay: AnyObject {
    var keyContexts: [KeyContext] { get }
    var acceptsText: Bool { get }
    /// Global actions are not offered to this overlay but close it first (false: they are ignored).
    var allowsGlobalActions: Bool { get }
    func perform(_ action: String) -> OverlayResult?
    func insert(_ text: String) -> OverlayResult
    func draw(in screen: Rect, grid: inout CellGrid, context: ScreenContext)
}

public extension ShellOverlay {
    var acceptsText: Bool { false }
    var allowsGlobalActions: Bool { true }
    func insert(_ text: String) -> OverlayResult { .stay }
}
