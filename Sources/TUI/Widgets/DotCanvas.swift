/// A grid of dots drawn into terminal cells: 2x4 dots per cell as Unicode braille (U+2800...U+28FF), or
/// 1x3 per cell in ASCII (`'` `-` `_` and `|` for a vertical run) where braille cannot be shown.
///
/// Dot coordinates start at the top-left; `x` grows right, `y` down. Each cell keeps the style of the
/// last dot set in it, so draw faded series first and the series that matter last (as plotille does).
public struct DotCanvas {
    /// How dots map to characters.
    public enum Encoding: Equatable {
        /// 2 columns x 4 rows of dots per cell.
        case braille
        /// 1 column x 3 rows per cell, for non-UTF-8 terminals.
        case ascii

        /// Dots per cell horizontally and vertically.
        public var dotsPerCell: (x: Int, y: Int) {
            switch self {
            case .braille: return (2, 4)
            case .ascii: return (1, 3)
            }
        }
    }

    public let width: Int
    public let height: Int
    public let encoding: Encoding
    /// Dot columns (`width` x dots per cell).
    public let dotWidth: Int
    /// Dot rows (`height` x dots per cell).
    public let dotHeight: Int
    private var bits: [UInt8]
    private var styles: [Style]

    /// An empty `width` x `height` cell canvas.
    public init(width: Int, height: Int, encoding: Encoding) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.encoding = encoding
        dotWidth = self.width * encoding.dotsPerCell.x
        dotHeight = self.height * encoding.dotsPerCell.y
        bits = Array(repeating: 0, count: self.width * self.height)
        styles = Array(repeating: .normal, count: self.width * self.height)
    }

    /// The encoding the glyph set allows.
    public static func encoding(for glyphs: Glyphs) -> Encoding { glyphs.hasBraille ? .braille : .ascii }

    /// The braille bit of the dot at (`column`, `row`) inside a cell (column 0...1, row 0...3):
    /// dots 1-2-3 down the left, 4-5-6 down the right, 7 and 8 on the bottom row (Unicode's order).
    public static func brailleBit(column: Int, row: Int) -> UInt8 {
        switch (column, row) {
        case (0, 3): return 0x40
        case (1, 3): return 0x80
        default: return UInt8(1) << UInt8(column * 3 + row)
        }
    }

    /// The braille character with `bits` raised.
    public static func brailleCharacter(_ bits: UInt8) -> String {
        String(Character(Unicode.Scalar(0x2800 + UInt32(bits))!))
    }

    /// The ASCII character for a cell whose dot rows `bits` (bit 0 top, bit 2 bottom) are set.
    public static func asciiCharacter(_ bits: UInt8) -> String {
        switch bits & 7 {
        case 0: return " "
        case 1: return "'"
        case 2: return "-"
        case 4: return "_"
        case 5: return ":"
        default: return "|"
        }
    }

    /// Raises the dot at (`x`, `y`) and gives its cell `style`; dots outside the canvas are ignored.
    public mutating func set(x: Int, y: Int, style: Style) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        let per = encoding.dotsPerCell
        let cell = (y / per.y) * width + x / per.x
        switch encoding {
        case .braille: bits[cell] |= Self.brailleBit(column: x % 2, row: y % 4)
        case .ascii: bits[cell] |= UInt8(1) << UInt8(y % 3)
        }
        styles[cell] = style
    }

    /// Raises every dot of column `x` from row `y0` to `y1` (either order).
    public mutating func vertical(x: Int, from y0: Int, to y1: Int, style: Style) {
        for y in min(y0, y1)...max(y0, y1) { set(x: x, y: y, style: style) }
    }

    /// A straight line of dots from (`x0`, `y0`) to (`x1`, `y1`) (Bresenham).
    public mutating func line(from x0: Int, _ y0: Int, to x1: Int, _ y1: Int, style: Style) {
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var error = dx + dy
        while true {
            set(x: x, y: y, style: style)
            if x == x1 && y == y1 { break }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
        }
    }

    /// The bits raised in cell (`column`, `row`).
    public func cellBits(column: Int, row: Int) -> UInt8 { bits[row * width + column] }

    /// The character of cell (`column`, `row`), or nil when no dot is raised there.
    public func character(column: Int, row: Int) -> String? {
        let b = bits[row * width + column]
        guard b != 0 else { return nil }
        return encoding == .braille ? Self.brailleCharacter(b) : Self.asciiCharacter(b)
    }

    /// Writes the cells that have dots into `grid` with their top-left at (`x`, `y`); empty cells are
    /// left as they are (so grid lines drawn before show through).
    public func draw(into grid: inout CellGrid, x: Int, y: Int) {
        for row in 0..<height {
            for column in 0..<width {
                guard let text = character(column: column, row: row) else { continue }
                grid.put(text, x: x + column, y: y + row, style: styles[row * width + column])
            }
        }
    }
}
