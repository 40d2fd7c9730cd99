import Sessions
/// The screens of the app, in tab order.
public enum ScreenID: String, CaseIterable {
    case chat, compare, train, models

    public var title: String {
        switch self {
        case .chat: return "Chat"
        case .compare: return "Compare"
        case .train: return "Train"
        case .models: return "Models"
        }
    }

    /// The keymap action that switches to this screen ("screen.chat").
    public var action: String { "screen." + rawValue }
}

/// What a screen can read from the shell while drawing or handling input.
public struct ScreenContext {
    public var glyphs: Glyphs
    public var keymap: Keymap
    public var paths: DuetPaths
    /// The models in use (empty until a model is picked).
    public var models: [String]

    /// The first key bound to `action` in `contexts` (for hints such as "press F5"), or nil if unbound.
    public func key(_ action: String, in contexts: [KeyContext] = [.global]) -> String? {
        keymap.effectiveKeys(for: action, in: contexts + [.global]).first?.description
    }
}

/// What a screen asks of the shell after handling input.
public enum ScreenRequest {
    case none
    case notice(String)
    case switchTo(ScreenID)
    /// Open a dialog over the screen.
    case overlay(ShellOverlay)
    /// Put text on the clipboard (OSC 52, and the clipboard file); `what` names it in the notice.
    case copy(String, what: String)
    /// Open the Chat screen on a model directory (the Train screen's "chat with the latest checkpoint").
    /// The shell hands it to the screen that adopts `ChatOpening`, or says that none can.
    case openChat(modelDirectory: String)
}

/// A screen that can start a chat with a model directory (`ScreenRequest.openChat`).
public protocol ChatOpening: Screen {
    /// Loads the model at `modelDirectory` and shows a chat with it.
    func openChat(modelDirectory: String, context: ScreenContext) -> ScreenRequest
}

/// One full-window screen (Chat, Compare, Train, Models). The shell owns the tab bar, status bar,
/// overlays and global keys; a screen draws its area and handles the keys of its focused element.
/// Screens are classes: the shell keeps one of each alive, so switching away loses no state.
public protocol Screen: AnyObject {
    var id: ScreenID { get }
    /// Key contexts of the focused element, most specific first (the shell appends `.global`).
    var keyContexts: [KeyContext] { get }
    /// Whether the focused element takes typed text (then printable keys are text, not commands).
    var acceptsText: Bool { get }
    /// Actions this screen adds to the keymap and palette (names like "chat.new").
    var actions: [KeyAction] { get }
    /// Why quitting now would lose work (a generation running...), or nil.
    var busyReason: String? { get }
    /// The models this screen works with, for the status bar (nil: the shell's `models`).
    var statusModels: [String]? { get }

    /// Called when the screen becomes the visible one.
    func activate(_ context: ScreenContext)
    /// Runs a keymap action; returns nil if the screen does not handle it.
    func perform(_ action: String, context: ScreenContext) -> ScreenRequest?
    /// Typed or pasted text for the focused element.
    func insert(_ text: String, context: ScreenContext) -> ScreenRequest
    /// A payload posted from another thread with `AppEvent.toScreen`.
    func receive(_ payload: Any, context: ScreenContext) -> ScreenRequest
    /// Draws the screen into `rect`.
    func draw(in rect: Rect, grid: inout CellGrid, context: ScreenContext)
}

public extension Screen {
    var actions: [KeyAction] { [] }
    var busyReason: String? { nil }
    var statusModels: [String]? { nil }
    func activate(_ context: ScreenContext) {}
    func receive(_ payload: Any, context: ScreenContext) -> ScreenRequest { .none }
}

/// Draws a short centred message (wrapped to the area): the honest empty state of a screen.
func drawCenteredMessage(_ lines: [StyledLine], in rect: Rect, grid: inout CellGrid) {
    let wrapper = TextWrapper()
    let width = max(1, rect.width - 4)
    let wrapped = lines.flatMap { $0.spans.isEmpty ? [StyledLine()] : wrapper.wrap($0, width: width) }
    let top = rect.y + max(0, (rect.height - wrapped.count) / 2)
    for (i, line) in wrapped.enumerated() where top + i < rect.maxY {
        grid.put(line, x: rect.x + max(0, (rect.width - line.width) / 2), y: top + i, clip: rect)
    }
}
