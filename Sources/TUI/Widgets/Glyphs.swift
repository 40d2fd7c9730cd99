/// The characters used to draw frames, bars and markers: Unicode when the locale is UTF-8, ASCII otherwise
/// (a non-UTF-8 terminal prints box-drawing or braille bytes as garbage).
public struct Glyphs: Equatable {
    public var horizontal: String
    public var vertical: String
    public var topLeft: String
    public var topRight: String
    public var bottomLeft: String
    public var bottomRight: String
    public var ellipsis: String
    public var bullet: String
    public var arrowDown: String
    public var arrowUp: String
    public var separator: String
    /// Partial-block glyphs for progress bars, from 1/8 to 8/8 of a cell; ASCII has a single "#".
    public var fractionalBlocks: [String]
    public var emptyBlock: String
    /// Whether braille (U+2800...U+28FF) charts may be drawn.
    public var hasBraille: Bool
    public var isUnicode: Bool

    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "╭", topRight: "╮", bottomLeft: "╰", bottomRight: "╯",
        ellipsis: "…", bullet: "•", arrowDown: "↓", arrowUp: "↑", separator: "│",
        fractionalBlocks: ["▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"], emptyBlock: "·",
        hasBraille: true, isUnicode: true)

    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        ellipsis: "~", bullet: "*", arrowDown: "v", arrowUp: "^", separator: "|",
        fractionalBlocks: ["#"], emptyBlock: ".",
        hasBraille: false, isUnicode: false)
}
