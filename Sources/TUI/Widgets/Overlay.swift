/// A modal box drawn over the current screen: a centred frame with a title, its inside cleared.
public enum Overlay {
    /// Draws the frame for a `width` x `height` box (clamped to `screen`) and returns the area inside it
    /// (one column of padding on each side).
    @discardableResult
    public static func frame(in screen: Rect, width: Int, height: Int, title: String, grid: inout CellGrid,
                             glyphs: Glyphs) -> Rect {
        let box = screen.centered(width: width, height: height)
        grid.fill(box, with: Cell(" ", Style(.overlay)))
        let titleLine = StyledLine(DisplayWidth.truncate(title, to: max(0, box.width - 6), ellipsis: glyphs.ellipsis),
                                   Style(.overlayTitle, [.bold]))
        grid.drawBox(box, glyphs: glyphs, style: Style(.overlayBorder), title: titleLine)
        return Rect(x: box.x + 2, y: box.y + 1, width: box.width - 4, height: box.height - 2)
    }
}
