/// One terminal cell: a grapheme cluster and its style. A double-width cluster occupies its cell and
/// the next one, which holds an empty `text` (a continuation cell).
public struct Cell: Equatable {
    public var text: String
    public var style: Style

    public init(_ text: String = " ", _ style: Style = .normal) {
        self.text = text
        self.style = style
    }

    public static let blank = Cell()
    static let continuation = Cell("", .normal)

    public var isContinuation: Bool { text.isEmpty }
}

/// An in-memory screen: every widget draws into one of these, so widgets are tested without a terminal,
/// and the terminal renderer sends only the cells that differ from the previous frame.
public struct CellGrid: Equatable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var cells: [Cell]
    /// Where the terminal cursor should be shown after drawing (nil: hidden).
    public var cursor: (x: Int, y: Int)? {
        get { cursorX < 0 ? nil : (cursorX, cursorY) }
        set { cursorX = newValue?.x ?? -1; cursorY = newValue?.y ?? -1 }
    }
    private var cursorX = -1, cursorY = -1

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: fill, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Clears every cell.
    public mutating func clear(_ cell: Cell = .blank) {
        for i in cells.indices { cells[i] = cell }
        cursor = nil
    }

    /// Fills `rect` (clipped to the grid) with `cell`.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        repairWideEdges(row: r.y, from: r.x, to: r.maxX, rows: r.height)
        for y in r.y..<r.maxY {
            let base = y * width
            for x in r.x..<r.maxX { cells[base + x] = cell }
        }
    }

    /// Writes `text` on row `y` from column `x`, clipped to `clip` and to the grid; returns the columns used.
    /// Tabs become one space and other control characters are dropped (text views expand tabs first).
    @discardableResult
    public mutating func put(_ text: some StringProtocol, x: Int, y: Int, style: Style = .normal, clip: Rect? = nil) -> Int {
        let limit = (clip ?? bounds).intersection(bounds)
        guard y >= limit.y, y < limit.maxY else { return 0 }
        var column = x
        for character in text {
            if column >= limit.maxX { break }
            var cluster = String(character)
            var w = DisplayWidth.of(character)
            if w == 0 {
                guard character == "\t" else { continue }
                cluster = " "
                w = 1
            }
            if column < limit.x {  // starts left of the clip: skip it, blanking a cut wide half
                if column + w > limit.x { setCell(x: limit.x, y: y, Cell(" ", style)) }
                column += w
                continue
            }
            if column + w > limit.maxX {  // a wide cluster that does not fit: pad instead
                setCell(x: column, y: y, Cell(" ", style))
                column += 1
                break
            }
            setCell(x: column, y: y, Cell(cluster, style))
            if w == 2 { setCell(x: column + 1, y: y, .continuation) }
            column += w
        }
        return max(0, column - x)
    }

    /// Writes a styled line from column `x` on row `y`, clipped like `put`; returns the columns used.
    @discardableResult
    public mutating func put(_ line: StyledLine, x: Int, y: Int, clip: Rect? = nil) -> Int {
        var column = x
        for span in line.spans {
            column += put(span.text, x: column, y: y, style: span.style, clip: clip)
        }
        return column - x
    }

    /// Draws a frame around `rect` with an optional title on its top edge.
    public mutating func drawBox(_ rect: Rect, glyphs: Glyphs, style: Style = Style(.border), title: StyledLine? = nil) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let top = rect.y, bottom = rect.maxY - 1, left = rect.x, right = rect.maxX - 1
        for x in (left + 1)..<right {
            put(glyphs.horizontal, x: x, y: top, style: style)
            put(glyphs.horizontal, x: x, y: bottom, style: style)
        }
        for y in (top + 1)..<bottom {
            put(glyphs.vertical, x: left, y: y, style: style)
            put(glyphs.vertical, x: right, y: y, style: style)
        }
        put(glyphs.topLeft, x: left, y: top, style: style)
        put(glyphs.topRight, x: right, y: top, style: style)
        put(glyphs.bottomLeft, x: left, y: bottom, style: style)
        put(glyphs.bottomRight, x: right, y: bottom, style: style)
        if let title, rect.width > 4 {
            let clip = Rect(x: left + 1, y: top, width: rect.width - 2, height: 1)
            var x = left + 2
            x += put(" ", x: x, y: top, style: style, clip: clip)
            x += put(title, x: x, y: top, clip: clip)
            put(" ", x: x, y: top, style: style, clip: clip)
        }
    }

    /// The text of row `y` (continuation cells skipped, trailing spaces kept): for tests and snapshots.
    public func text(row y: Int) -> String {
        var s = ""
        for x in 0..<width where !self[x, y].isContinuation { s += self[x, y].text }
        return s
    }

    /// All rows joined by newlines, trailing spaces trimmed.
    public var plainText: String {
        (0..<height).map { row in
            var line = text(row: row)
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    /// Sets one cell, first turning any wide cluster it would cut in half into a blank.
    private mutating func setCell(x: Int, y: Int, _ cell: Cell) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let i = y * width + x
        if cells[i].isContinuation, x > 0, !cell.isContinuation {
            cells[i - 1] = Cell(" ", cells[i - 1].style)
        }
        if !cells[i].isContinuation, x + 1 < width, cells[i + 1].isContinuation, DisplayWidth.of(cells[i].text) == 2 {
            cells[i + 1] = Cell(" ", cells[i].style)
        }
        cells[i] = cell
    }

    /// Before overwriting columns `from..<to` on `rows` rows: blank wide clusters that straddle the edges.
    private mutating func repairWideEdges(row: Int, from: Int, to: Int, rows: Int) {
        for y in row..<(row + rows) {
            let base = y * width
            if from > 0, from < width, cells[base + from].isContinuation { cells[base + from - 1] = Cell(" ", cells[base + from - 1].style) }
            if to < width, cells[base + to].isContinuation { cells[base + to] = Cell(" ", cells[base + to].style) }
        }
    }
}
