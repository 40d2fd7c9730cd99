/// Layout and drawing of `InputEditor`: lines wrap at the last cluster that fits (an editor wraps by
/// character, so the cursor never jumps when a word grows past the edge), the view scrolls to keep the
/// cursor visible, and the terminal cursor is placed on the grid.
extension InputEditor {
    /// One screen row of the text: characters `start..<end`, and whether it begins a source line.
    struct VisualRow: Equatable {
        var start: Int
        var end: Int
        var beginsLine: Bool
    }

    /// The rows of the text wrapped to `width` columns, and the (row, column) of the cursor.
    func layout(width: Int) -> (rows: [VisualRow], cursorRow: Int, cursorColumn: Int) {
        let width = max(1, width)
        var rows: [VisualRow] = []
        var cursorRow = 0, cursorColumn = 0
        var rowStart = 0, column = 0, beginsLine = true
        var i = 0
        func closeRow(at end: Int) {
            rows.append(VisualRow(start: rowStart, end: end, beginsLine: beginsLine))
        }
        while i <= characters.count {
            if i == cursor {
                if column >= width {  // cursor after a full row: show it at the start of the next one
                    closeRow(at: i)
                    rowStart = i; column = 0; beginsLine = false
                }
                cursorRow = rows.count
                cursorColumn = column
            }
            if i == characters.count { break }
            let c = characters[i]
            if c == "\n" {
                closeRow(at: i)
                rowStart = i + 1; column = 0; beginsLine = true
                i += 1
                continue
            }
            let w = self.width(of: c)
            if column + w > width, column > 0 {
                closeRow(at: i)
                rowStart = i; column = 0; beginsLine = false
                continue  // re-examine this character (and the cursor check) on the new row
            }
            column += w
            i += 1
        }
        closeRow(at: characters.count)
        return (rows, cursorRow, cursorColumn)
    }

    /// Rows the editor wants at `width` (including the prompt), between 1 and `maxHeight`.
    func preferredHeight(width: Int, maxHeight: Int) -> Int {
        let rows = layout(width: width - prompt.width).rows.count
        return max(1, min(maxHeight, rows))
    }

    /// Draws the text (or the placeholder) in `rect` and, when `focused`, sets the grid cursor.
    mutating func draw(in rect: Rect, grid: inout CellGrid, focused: Bool) {
        guard !rect.isEmpty else { return }
        grid.fill(rect, with: Cell(" ", Style(.input)))
        let promptWidth = min(prompt.width, max(0, rect.width - 1))
        let textWidth = rect.width - promptWidth
        let (rows, cursorRow, cursorColumn) = layout(width: textWidth)
        if cursorRow < scrollRow { scrollRow = cursorRow }
        if cursorRow >= scrollRow + rect.height { scrollRow = cursorRow - rect.height + 1 }
        scrollRow = max(0, min(scrollRow, max(0, rows.count - rect.height)))
        if cursorRow < scrollRow { scrollRow = cursorRow }
        for screenRow in 0..<rect.height {
            let r = scrollRow + screenRow
            guard r < rows.count else { break }
            let y = rect.y + screenRow
            if r == 0 {
                grid.put(prompt, x: rect.x, y: y, clip: Rect(x: rect.x, y: y, width: promptWidth, height: 1))
            }
            var x = rect.x + promptWidth
            for c in characters[rows[r].start..<rows[r].end] {
                let shown: String = c == "\t" ? "    " : (DisplayWidth.of(c) == 0 ? "?" : String(c))
                x += grid.put(shown, x: x, y: y, style: Style(.input), clip: rect)
            }
        }
        if characters.isEmpty, !placeholder.isEmpty {
            grid.put(placeholder, x: rect.x + promptWidth, y: rect.y, style: Style(.inputPlaceholder), clip: rect)
        }
        if focused {
            grid.cursor = (min(rect.maxX - 1, rect.x + promptWidth + cursorColumn), rect.y + cursorRow - scrollRow)
        }
    }
}
