/// A one-row bar of segments: left segments from the left edge, right segments against the right edge.
/// When the row is too narrow, the lowest-priority segments are dropped first, then the rest truncated.
public struct StatusBar {
    public struct Segment {
        public var text: StyledLine
        /// Higher stays longer when space runs out.
        public var priority: Int

        /// When set, the segment first shrinks (its last span loses its start: "…/duet.sqlite") down to
        /// this many columns before it is dropped.
        public var minimumWidth: Int?

        public init(_ text: StyledLine, priority: Int = 0, minimumWidth: Int? = nil) {
            self.text = text
            self.priority = priority
            self.minimumWidth = minimumWidth
        }

        public init(_ text: String, role: StyleRole = .statusBar, priority: Int = 0) {
            self.init(StyledLine(text, Style(role)), priority: priority)
        }
    }

    public var left: [Segment]
    public var right: [Segment]

    public init(left: [Segment] = [], right: [Segment] = []) {
        self.left = left
        self.right = right
    }

    /// Draws the bar on the first row of `rect`.
    public func draw(in rect: Rect, grid: inout CellGrid, glyphs: Glyphs) {
        guard !rect.isEmpty else { return }
        let row = Rect(x: rect.x, y: rect.y, width: rect.width, height: 1)
        grid.fill(row, with: Cell(" ", Style(.statusBar)))
        let separator = StyledLine(" \(glyphs.separator) ", Style(.statusDim))
        var left = self.left, right = self.right
        func width(_ segments: [Segment]) -> Int {
            segments.reduce(0) { $0 + $1.text.width } + max(0, segments.count - 1) * separator.width
        }
        let gap = right.isEmpty ? 2 : 3
        // Shrink the shrinkable segments (lowest priority first), then drop whole segments.
        for side in 0..<2 {
            for index in (side == 0 ? left : right).indices {
                let overflow = width(left) + width(right) + gap - row.width
                guard overflow > 0 else { break }
                var segment = side == 0 ? left[index] : right[index]
                guard let minimum = segment.minimumWidth, let last = segment.text.spans.last else { continue }
                let target = max(minimum, segment.text.width - overflow)
                let keep = max(1, DisplayWidth.of(last.text) - (segment.text.width - target))
                segment.text.spans[segment.text.spans.count - 1].text = DisplayWidth.truncateLeading(last.text, to: keep, ellipsis: glyphs.ellipsis)
                if side == 0 { left[index] = segment } else { right[index] = segment }
            }
        }
        // Drop the lowest-priority segment (rightmost among equals) until both sides fit with a gap.
        while width(left) + width(right) + gap > row.width, left.count + right.count > 1 {
            let all = left.enumerated().map { (0, $0.offset, $0.element.priority) } + right.enumerated().map { (1, $0.offset, $0.element.priority) }
            guard let victim = all.min(by: { $0.2 != $1.2 ? $0.2 < $1.2 : ($0.0, $0.1) > ($1.0, $1.1) }) else { break }
            if victim.0 == 0 { left.remove(at: victim.1) } else { right.remove(at: victim.1) }
        }
        func draw(_ segments: [Segment], from x: Int, clip: Rect) {
            var x = x
            for (i, segment) in segments.enumerated() {
                if i > 0 { x += grid.put(separator, x: x, y: row.y, clip: clip) }
                x += grid.put(segment.text, x: x, y: row.y, clip: clip)
            }
        }
        let rightWidth = min(width(right), max(0, row.width - 2))
        let rightX = row.maxX - 1 - rightWidth
        draw(left, from: row.x + 1, clip: Rect(x: row.x, y: row.y, width: max(0, rightX - row.x - 1), height: 1))
        draw(right, from: rightX, clip: Rect(x: rightX, y: row.y, width: rightWidth, height: 1))
    }
}
