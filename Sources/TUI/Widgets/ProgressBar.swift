/// A horizontal bar filled to a fraction, at sub-cell resolution with Unicode eighth blocks
/// (whole cells in ASCII), with an optional label on its right ("42%").
public struct ProgressBar {
    /// 0...1 (clamped).
    public var fraction: Double
    public var label: String?

    public init(fraction: Double, label: String? = nil) {
        self.fraction = fraction
        self.label = label
    }

    public func draw(in rect: Rect, grid: inout CellGrid, glyphs: Glyphs) {
        guard !rect.isEmpty else { return }
        let labelText = label.map { " " + $0 } ?? ""
        let labelWidth = min(DisplayWidth.of(labelText), max(0, rect.width - 1))
        let barWidth = rect.width - labelWidth
        let steps = glyphs.fractionalBlocks.count
        let f = fraction.isFinite ? min(1, max(0, fraction)) : 0
        let filled = Int((f * Double(barWidth * steps)).rounded(.down))
        let full = filled / steps, partial = filled % steps
        let y = rect.y
        for x in 0..<barWidth {
            if x < full {
                grid.put(glyphs.fractionalBlocks[steps - 1], x: rect.x + x, y: y, style: Style(.progressFill))
            } else if x == full, partial > 0 {
                grid.put(glyphs.fractionalBlocks[partial - 1], x: rect.x + x, y: y, style: Style(.progressFill))
            } else {
                grid.put(glyphs.emptyBlock, x: rect.x + x, y: y, style: Style(.progressEmpty))
            }
        }
        if labelWidth > 0 {
            grid.put(labelText, x: rect.x + barWidth, y: y, style: .normal,
                     clip: Rect(x: rect.x + barWidth, y: y, width: labelWidth, height: 1))
        }
    }
}
