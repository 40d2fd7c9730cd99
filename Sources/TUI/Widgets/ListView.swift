/// A vertical list with one selected row, scrolled to keep the selection visible.
public struct ListView {
    /// Index of the selected item (clamped to the items on each draw).
    public var selection = 0
    /// Index of the first visible item.
    public private(set) var top = 0
    private var visibleRows = 1

    public init() {}

    /// Moves the selection by `delta` items within `0..<count`.
    public mutating func move(by delta: Int, count: Int) {
        guard count > 0 else { selection = 0; return }
        selection = max(0, min(count - 1, selection + delta))
    }

    public mutating func pageUp(count: Int) { move(by: -max(1, visibleRows - 1), count: count) }
    public mutating func pageDown(count: Int) { move(by: max(1, visibleRows - 1), count: count) }

    /// Draws `items` in `rect`; the selected row is highlighted (only when `focused`, dimly otherwise).
    /// With no items, `emptyText` is shown instead.
    public mutating func draw(_ items: [StyledLine], in rect: Rect, grid: inout CellGrid, focused: Bool = true,
                              emptyText: String = "") {
        guard !rect.isEmpty else { return }
        grid.fill(rect)
        visibleRows = rect.height
        guard !items.isEmpty else {
            grid.put(emptyText, x: rect.x + 1, y: rect.y, style: Style(.dim), clip: rect)
            return
        }
        selection = max(0, min(items.count - 1, selection))
        if selection < top { top = selection }
        if selection >= top + rect.height { top = selection - rect.height + 1 }
        top = max(0, min(top, max(0, items.count - rect.height)))
        for row in 0..<min(rect.height, items.count - top) {
            let index = top + row
            let y = rect.y + row
            var line = items[index]
            if index == selection {
                let style = focused ? Style(.selection) : Style(.selection, [.dim])
                grid.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), with: Cell(" ", style))
                line = StyledLine(line.spans.map { span in
                    let extra: TextAttributes = span.style.role == .matchHighlight ? [.bold, .underline] : []
                    return Span(span.text, Style(.selection, span.style.attributes.union(style.attributes).union(extra)))
                })
            }
            grid.put(line, x: rect.x, y: y, clip: rect)
        }
    }
}
