/// Ctrl+P: every command of the current screen and the app, filtered fuzzily as you type; Enter runs
/// the selected one. Each row shows the key that runs it directly.
public final class CommandPalette: ShellOverlay {
    struct Item: Equatable {
        var name: String
        var title: String
        var keys: String
    }

    private let items: [Item]
    private(set) var filtered: [(item: Item, positions: [Int])] = []
    private var editor = InputEditor(placeholder: "type to filter commands")
    private var list = ListView()

    public init(shell: AppShell) {
        let chain = shell.activeScreen.keyContexts + [.global]
        let screenActions = Set(shell.activeScreen.actions.map(\.name))
        items = shell.keymap.actions
            .filter { $0.isCommand && (chain.contains($0.context) || screenActions.contains($0.name)) }
            .map { action in
                let keys = shell.keymap.effectiveKeys(for: action.name, in: chain, textInput: shell.activeScreen.acceptsText)
                return Item(name: action.name, title: action.title, keys: keys.first?.description ?? "")
            }
        editor.prompt = StyledLine("> ", Style(.overlayTitle, [.bold]))
        refilter()
    }

    public var keyContexts: [KeyContext] { [.overlay, .list, .editor] }
    public var acceptsText: Bool { true }

    /// The query typed so far.
    public var query: String { editor.text }
    /// Names of the commands currently listed, best match first.
    public var listedActions: [String] { filtered.map(\.item.name) }

    public func perform(_ action: String) -> OverlayResult? {
        switch action {
        case "overlay.close": return .close
        case "overlay.accept", "list.select":
            guard !filtered.isEmpty else { return .stay }
            return .closeAndRun(filtered[min(list.selection, filtered.count - 1)].item.name)
        case "list.up": list.move(by: -1, count: filtered.count)
        case "list.down": list.move(by: 1, count: filtered.count)
        case "list.page-up": list.pageUp(count: filtered.count)
        case "list.page-down": list.pageDown(count: filtered.count)
        default:
            guard let command = EditorCommand(rawValue: action), command != .submit, command != .newline else { return nil }
            editor.perform(command)
            refilter()
        }
        return .stay
    }

    public func insert(_ text: String) -> OverlayResult {
        editor.insert(text.replacingNewlines())
        refilter()
        return .stay
    }

    private func refilter() {
        let q = editor.text
        var scored: [(Item, [Int], Int)] = []
        for (index, item) in items.enumerated() {
            let byTitle = FuzzyMatch.match(q, in: item.title)
            let byName = FuzzyMatch.match(q, in: item.name)
            guard byTitle != nil || byName != nil else { continue }
            let score = max(byTitle?.score ?? Int.min, byName?.score ?? Int.min)
            // Stable for equal scores: keep the keymap's order (most used first).
            scored.append((item, byTitle?.positions ?? [], score * 1000 - index))
        }
        filtered = scored.sorted { $0.2 > $1.2 }.map { ($0.0, $0.1) }
        list.selection = 0
    }

    public func draw(in screen: Rect, grid: inout CellGrid, context: ScreenContext) {
        let width = min(screen.width - 2, 64)
        let rows = min(max(1, filtered.count), max(1, screen.height - 5))
        let height = rows + 4
        let box = Rect(x: screen.x + (screen.width - width) / 2, y: screen.y + min(1, max(0, screen.height - height)),
                       width: width, height: min(height, screen.height))
        let inner = Overlay.frame(in: Rect(x: box.x, y: box.y, width: box.width, height: box.height), width: box.width,
                                  height: box.height, title: "Commands", grid: &grid, glyphs: context.glyphs)
        editor.draw(in: Rect(x: inner.x, y: inner.y, width: inner.width, height: 1), grid: &grid, focused: true)
        grid.put(String(repeating: context.glyphs.horizontal, count: inner.width), x: inner.x, y: inner.y + 1,
                 style: Style(.border))
        let listRect = Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: inner.height - 2)
        let lines = filtered.map { entry in line(entry.item, highlights: entry.positions, width: listRect.width) }
        list.draw(lines, in: listRect, grid: &grid, emptyText: "No command matches \"\(editor.text)\"")
    }

    private func line(_ item: Item, highlights: [Int], width: Int) -> StyledLine {
        var line = StyledLine(" ")
        let marked = Set(highlights)
        for (i, c) in item.title.enumerated() {
            line.append(String(c), marked.contains(i) ? Style(.matchHighlight) : .normal)
        }
        let keyWidth = DisplayWidth.of(item.keys)
        let gap = width - line.width - keyWidth - 1
        if gap >= 1, !item.keys.isEmpty {
            line.append(String(repeating: " ", count: gap))
            line.append(item.keys, Style(.dim))
        }
        return line
    }
}

private extension String {
    func replacingNewlines() -> String { String(map { $0 == "\n" || $0 == "\r\n" ? " " : $0 }) }
}
