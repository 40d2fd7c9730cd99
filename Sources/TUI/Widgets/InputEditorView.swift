/// Layout and drawing of `InputEditor`: lines wrap at word boundaries as the transcript does (`TextWrapper`),
/// so a message reads the same while typed as once sent; a word longer than the row is cut at the last
/// cluster that fits. Spaces at a break stay at the end of their row (past the edge if need be) so every
/// character, and so every cursor position, has a place. The view scrolls to keep the cursor visible,
/// and the terminal cursor is placed on the grid.
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
        var rows = wrappedRows(width: width)
        // The cursor goes on the last row that can hold it: at a soft break, the start of the next row
        // (where the next character typed appears); at the end of a source line, that line's last row.
        var cursorRow = rows.lastIndex { $0.start <= cursor && cursor <= $0.end } ?? 0
        var cursorColumn = columns(rows[cursorRow].start..<cursor)
        if cursorColumn >= width {  // after a full row or among spaces past the edge: start of a row of its own
            let row = rows[cursorRow]
            rows[cursorRow].end = cursor
            rows.insert(VisualRow(start: cursor, end: row.end, beginsLine: false), at: cursorRow + 1)
            cursorRow += 1
            cursorColumn = 0
        }
        return (rows, cursorRow, cursorColumn)
    }

    /// The text's rows at `width`, breaking after the last space that fits, or inside a word that alone
    /// is wider than the row.
    private func wrappedRows(width: Int) -> [VisualRow] {
        var rows: [VisualRow] = []
        var rowStart = 0, column = 0, beginsLine = true
        var lastBreak: Int? = nil  // index just after the last space of the current row
        var i = 0
        while i < characters.count {
            let c = characters[i]
            if c == "\n" {
                rows.append(VisualRow(start: rowStart, end: i, beginsLine: beginsLine))
                rowStart = i + 1; column = 0; beginsLine = true; lastBreak = nil
                i += 1
                continue
            }
            let w = self.width(of: c)
            if c == " " || c == "\t" {  // a space never starts a row: it may hang past the edge
                column += w
                i += 1
                lastBreak = i
                continue
            }
            if column + w > width, column > 0 {
                let end = lastBreak ?? i
                rows.append(VisualRow(start: rowStart, end: end, beginsLine: beginsLine))
                rowStart = end; beginsLine = false; lastBreak = nil
                column = columns(end..<i)  // the start of the word moved down with it
                continue  // re-examine this character on the new row
            }
            column += w
            i += 1
        }
        rows.append(VisualRow(start: rowStart, end: characters.count, beginsLine: beginsLine))
        return rows
    }

    private func columns(_ range: Range<Int>) -> Int {
        characters[range].reduce(0) { $0 + width(of: $1) }
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
