/// Content a `TextView` can show: display lines computed for a width (wrapping is the content's job,
/// so streaming content such as `MarkdownDocument` can cache and re-wrap only what changed).
public protocol TextContent {
    /// Lays the content out for `width` columns and returns the number of display lines.
    mutating func layout(width: Int) -> Int
    /// Display line `index` (0 ..< the count the last `layout` returned).
    func line(_ index: Int) -> StyledLine
}

/// Styled source lines, word-wrapped to the view's width (the wrap is cached per width).
public struct WrappedText: TextContent {
    public private(set) var lines: [StyledLine]
    private var wrapped: [StyledLine] = []
    private var wrappedWidth = -1

    public init(_ lines: [StyledLine] = []) { self.lines = lines }

    public mutating func setLines(_ newLines: [StyledLine]) {
        lines = newLines
        wrappedWidth = -1
    }

    public mutating func layout(width: Int) -> Int {
        if width != wrappedWidth {
            let wrapper = TextWrapper()
            wrapped = lines.flatMap { wrapper.wrap($0, width: max(1, width)) }
            wrappedWidth = width
        }
        return wrapped.count
    }

    public func line(_ index: Int) -> StyledLine { wrapped[index] }
}

/// A scrolling viewport over `TextContent`.
///
/// Follows the tail while the viewport is at the bottom (new lines scroll into view); once the user
/// scrolls up it stays put, and the bottom row says that new content arrived below, until the user
/// returns to the bottom (which resumes following).
public struct TextView {
    /// Index of the first visible line.
    public private(set) var top = 0
    /// Whether the view sticks to the last line as content grows.
    public private(set) var isFollowingTail = true
    /// Whether lines were added below the viewport since the user scrolled away from the bottom.
    public private(set) var hasUnseenContent = false
    /// The key that returns to the bottom, shown in the marker ("End").
    public var followHint = "End"
    private var lineCount = 0
    private var height = 0

    /// A view at the top; `followingTail` makes it start at (and stick to) the bottom.
    public init(followingTail: Bool = true) { isFollowingTail = followingTail }

    /// The number of lines in the last layout and the viewport height (for scroll bars and tests).
    public var metrics: (lines: Int, height: Int) { (lineCount, height) }
    private var maxTop: Int { max(0, lineCount - height) }

    /// Lays out `content` for `rect` and draws the visible lines, plus the marker when scrolled up.
    public mutating func draw(_ content: inout some TextContent, in rect: Rect, grid: inout CellGrid, glyphs: Glyphs) {
        guard !rect.isEmpty else { return }
        let count = content.layout(width: rect.width)
        if count > lineCount, !isFollowingTail, height > 0 { hasUnseenContent = true }  // not on the first layout
        lineCount = count
        height = rect.height
        if isFollowingTail { top = maxTop } else { top = min(top, maxTop) }
        if top >= maxTop { isFollowingTail = true; hasUnseenContent = false }
        grid.fill(rect)
        for row in 0..<rect.height {
            let index = top + row
            guard index < count else { break }
            grid.put(content.line(index), x: rect.x, y: rect.y + row, clip: rect)
        }
        if !isFollowingTail {
            let below = lineCount - (top + height)
            let text = hasUnseenContent
                ? "\(glyphs.arrowDown) new content below (\(followHint))"
                : "\(glyphs.arrowDown) \(below) more line\(below == 1 ? "" : "s") (\(followHint))"
            let label = " " + DisplayWidth.truncate(text, to: max(0, rect.width - 2), ellipsis: glyphs.ellipsis) + " "
            let w = DisplayWidth.of(label)
            let row = Rect(x: rect.maxX - w, y: rect.maxY - 1, width: w, height: 1)
            grid.fill(row, with: Cell(" ", Style(.marker)))
            grid.put(label, x: row.x, y: row.y, style: Style(.marker), clip: rect)
        }
    }

    /// Scrolls by `lines` (negative: up). Reaching the bottom resumes following the tail.
    public mutating func scroll(by lines: Int) {
        top = max(0, min(maxTop, top + lines))
        isFollowingTail = top >= maxTop
        if isFollowingTail { hasUnseenContent = false }
    }

    public mutating func pageUp() { scroll(by: -max(1, height - 1)) }
    public mutating func pageDown() { scroll(by: max(1, height - 1)) }
    public mutating func scrollToTop() { scroll(by: -top) }

    /// Scrolls the least needed to show `lines` (as much of it as fits, from its start) in a viewport
    /// of `height` rows over `lineCount` lines; showing the last line resumes following the tail.
    public mutating func reveal(_ lines: Range<Int>, lineCount: Int, height: Int) {
        self.lineCount = lineCount
        self.height = height
        let maxTop = max(0, lineCount - height)
        if lines.lowerBound < top || lines.count > height {
            top = lines.lowerBound
        } else if lines.upperBound > top + height {
            top = lines.upperBound - height
        }
        top = max(0, min(maxTop, top))
        isFollowingTail = top >= maxTop
        if isFollowingTail { hasUnseenContent = false }
    }

    /// Jumps to the bottom and follows the tail again.
    public mutating func scrollToBottom() {
        top = maxTop
        isFollowingTail = true
        hasUnseenContent = false
    }
}
