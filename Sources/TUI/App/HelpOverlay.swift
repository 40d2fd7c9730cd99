/// F1 / `?`: every key of the current keymap, grouped by context, in the order they apply on the
/// current screen (keys shadowed by the focused element are not listed where they do not work).
public final class HelpOverlay: ShellOverlay {
    private var content = WrappedText()
    private var contentWidth = -1
    private var view = TextView(followingTail: false)
    private let screenTitle: String
    private let keymap: Keymap
    private let chain: [KeyContext]
    private let textInput: Bool
    private let configPath: String

    public init(shell: AppShell) {
        screenTitle = shell.active.title
        keymap = shell.keymap
        chain = shell.activeScreen.keyContexts + [.global]
        textInput = shell.activeScreen.acceptsText
        configPath = shell.paths.config
    }

    public var keyContexts: [KeyContext] { [.overlay, .view, .list] }

    public func perform(_ action: String) -> OverlayResult? {
        switch action {
        case "overlay.close", "overlay.accept": return .close
        case "list.up", "view.line-up": view.scroll(by: -1)
        case "list.down", "view.line-down": view.scroll(by: 1)
        case "list.page-up", "view.page-up": view.pageUp()
        case "list.page-down", "view.page-down": view.pageDown()
        case "view.top": view.scrollToTop()
        case "view.bottom": view.scrollToBottom()
        default: return nil
        }
        return .stay
    }

    public func draw(in screen: Rect, grid: inout CellGrid, context: ScreenContext) {
        let width = min(screen.width - 2, 78)
        if width != contentWidth {
            content.setLines(HelpOverlay.lines(keymap: keymap, chain: chain, textInput: textInput, configPath: configPath,
                                               width: max(1, width - 4)))
            contentWidth = width
        }
        let height = min(screen.height, content.layout(width: max(1, width - 4)) + 2)
        let inner = Overlay.frame(in: screen, width: width, height: height, title: "Keys: \(screenTitle)",
                                  grid: &grid, glyphs: context.glyphs)
        view.followHint = "PgDn"
        view.draw(&content, in: inner, grid: &grid, glyphs: context.glyphs)
    }

    static let contextTitles: [KeyContext: String] = [
        .global: "Everywhere", .editor: "Input", .view: "Scrolling", .list: "Lists", .overlay: "Dialogs",
        .chat: "Chat", .sessions: "Chat list", .copy: "Copy mode", .compare: "Compare", .vote: "Voting", .models: "Models",
    ]

    /// The help text for `width` columns: one section per context (Everywhere first, then the focused
    /// element's contexts, then Dialogs), one line per action, with the action's config name when it fits.
    static func lines(keymap: Keymap, chain: [KeyContext], textInput: Bool, configPath: String, width: Int) -> [StyledLine] {
        var lines: [StyledLine] = []
        var sections = [KeyContext.global] + chain.filter { $0 != .global }
        if !sections.contains(.overlay) { sections.append(.overlay) }
        for context in sections {
            let actions = keymap.actions.filter { $0.context == context }
            guard !actions.isEmpty else { continue }
            if !lines.isEmpty { lines.append(StyledLine()) }
            let title = contextTitles[context] ?? context.rawValue.capitalized
            lines.append(StyledLine(title, Style(.overlayTitle, [.bold])))
            let lookupChain = context == .overlay ? [KeyContext.overlay] : chain
            let keyTexts = actions.map { action -> String in
                let keys = keymap.effectiveKeys(for: action.name, in: lookupChain, textInput: textInput && context != .overlay)
                return keys.isEmpty ? "(no key)" : keys.map(\.description).joined(separator: ", ")
            }
            let column = min(26, keyTexts.map { DisplayWidth.of($0) }.max() ?? 0)
            for (action, keyText) in zip(actions, keyTexts) {
                var line = StyledLine()
                line.append("  " + keyText.padding(to: column) + "  ", Style(keyText == "(no key)" ? .dim : .accent))
                line.append(action.title, .normal)
                if line.width + 2 + DisplayWidth.of(action.name) <= width { line.append("  " + action.name, Style(.dim)) }
                lines.append(line)
            }
        }
        lines.append(StyledLine())
        lines.append(StyledLine("Esc then a key is the same as Alt+key (Esc 2 = Alt+2), for terminals that swallow keys.", Style(.dim)))
        lines.append(StyledLine("Rebind in \(configPath), e.g. [keys] app.palette = \"ctrl+k\"", Style(.dim)))
        return lines
    }
}

extension String {
    /// Pads with spaces to `width` display columns (no truncation).
    func padding(to width: Int) -> String {
        let w = DisplayWidth.of(self)
        return w >= width ? self : self + String(repeating: " ", count: width - w)
    }
}
