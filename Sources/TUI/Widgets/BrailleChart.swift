import Foundation

/// A line chart with axes drawn in braille dots (2x4 per cell; ASCII dots without braille): a title row
/// with a summary and legend, y tick labels on the left, an x axis with tick labels below.
///
/// Each series is reduced to a `ColumnEnvelope` of the plot's dot columns before drawing, so a frame costs
/// one pass over the visible points plus work proportional to the plot's size.
public struct BrailleChart {
    public var title: String
    /// Shown after the title (latest value...).
    public var summary = StyledLine()
    public var series: [ChartSeries]
    public var xFormat = ChartXFormat.number
    public var yFormat = ChartYFormat.number
    public var yScale = ChartScaleKind.linear
    /// The x range to show (nil: the extent of the data).
    public var xRange: ClosedRange<Double>? = nil
    /// Legend entries on a row of their own (else after the summary when they fit).
    public var legendRow = false
    /// Shown in the plot area when no series has a point.
    public var emptyText = "no data yet"
    /// Highlight the title (the focused chart).
    public var focused = false

    public init(title: String, series: [ChartSeries]) {
        self.title = title
        self.series = series
    }

    /// Where things went, for tests and hit-testing.
    public struct Layout: Equatable {
        /// The dot area.
        public var plot: Rect
        public var x: ChartScale
        public var y: ChartScale
        public var yTicks: [Double]
        public var xTicks: [Double]
    }

    /// Rows besides the plot: title, x axis line, x labels.
    public static let chromeRows = 3

    /// Draws the chart in `rect`; returns its layout, or nil when there was nothing (or no room) to plot.
    @discardableResult
    public func draw(in rect: Rect, grid: inout CellGrid, glyphs: Glyphs) -> Layout? {
        guard rect.width >= 4, rect.height >= 1 else { return nil }
        grid.fill(rect)
        let legend = legendLine(glyphs: glyphs)
        let ownLegendRow = legendRow && !legend.spans.isEmpty && rect.height >= 8
        drawTitle(in: Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), legend: ownLegendRow ? StyledLine() : legend,
                  grid: &grid)
        var body = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        if ownLegendRow {
            grid.put(legend, x: rect.x + 1, y: body.y, clip: body)
            body = Rect(x: body.x, y: body.y + 1, width: body.width, height: body.height - 1)
        }
        let plotHeight = body.height - 2
        guard plotHeight >= 1, body.width >= 12 else { return nil }

        // X range: given, or the extent of the data.
        let encoding = DotCanvas.encoding(for: glyphs)
        let data = series.filter { $0.kind != .rule && !$0.xs.isEmpty }
        let xLower = xRange?.lowerBound ?? data.compactMap { s in s.xs.first.map { $0 - s.xShift } }.min()
        let xUpper = xRange?.upperBound ?? data.compactMap { s in s.xs.last.map { $0 - s.xShift } }.max()
        guard let xLower, let xUpper else {
            drawCenteredMessage([StyledLine(emptyText, Style(.dim))], in: body, grid: &grid)
            return nil
        }
        let xScale = ChartScale(lower: xLower, upper: xUpper)

        // The y range (from the visible points), then its labels, then the plot width they leave.
        var lo = Double.infinity, hi = -Double.infinity
        for s in series where s.affectsRange {
            if s.kind == .rule {
                if let v = s.ys.first, v.isFinite, yScale == .linear || v > 0 { lo = min(lo, v); hi = max(hi, v) }
            } else if let e = ColumnEnvelope.extent(xs: s.xs, ys: s.ys, xLower: xScale.lower + s.xShift,
                                                    xUpper: xScale.upper + s.xShift, positiveOnly: yScale == .log) {
                lo = min(lo, e.minimum); hi = max(hi, e.maximum)
            }
        }
        guard lo <= hi else {
            drawCenteredMessage([StyledLine(emptyText, Style(.dim))], in: body, grid: &grid)
            return nil
        }
        let tickCount = max(2, min(6, plotHeight / 3 + 1))
        let (yAxis, yTicks) = Self.yAxis(lower: lo, upper: hi, kind: yScale, tickCount: tickCount)
        let decades = yScale == .log && yTicks.count >= 2 && abs(yTicks[1] / yTicks[0] - 10) < 1e-9
        let resolution = ChartScale.resolution(of: yTicks)
        let labels = yTicks.map { yFormat.label($0, resolution: decades ? abs($0) : resolution) }
        let labelWidth = min(10, max(1, labels.map { DisplayWidth.of($0) }.max() ?? 1))
        guard body.width - labelWidth - 2 >= 2 else { return nil }
        let dotColumns = (body.width - labelWidth - 2) * encoding.dotsPerCell.x
        let envelopes = series.map { s in
            s.kind == .rule ? ColumnEnvelope(xs: [], ys: [], xLower: 0, xUpper: 0, count: 0)
                : ColumnEnvelope(xs: s.xs, ys: s.ys, xLower: xScale.lower + s.xShift, xUpper: xScale.upper + s.xShift,
                                 count: dotColumns, positiveOnly: yScale == .log)
        }

        let plot = Rect(x: body.x + labelWidth + 1, y: body.y, width: body.width - labelWidth - 2, height: plotHeight)
        let axisX = plot.x - 1, axisY = plot.maxY
        let dotsPerCell = encoding.dotsPerCell
        var canvas = DotCanvas(width: plot.width, height: plot.height, encoding: encoding)
        let lastDotRow = Double(canvas.dotHeight - 1)
        let axis = yAxis
        func row(_ value: Double) -> Int {
            let f = axis.fraction(value) ?? 0
            return Int(((1 - min(1, max(0, f))) * lastDotRow).rounded())
        }

        // Y axis: labels at their rows, tick marks on the axis column.
        let axisStyle = Style(.border)
        for y in plot.y..<plot.maxY { grid.put(glyphs.vertical, x: axisX, y: y, style: axisStyle) }
        var usedRows = Set<Int>()
        for (tick, label) in zip(yTicks, labels) {
            let cellRow = plot.y + row(tick) / dotsPerCell.y
            guard usedRows.insert(cellRow).inserted else { continue }
            grid.put(glyphs.isUnicode ? "┤" : "+", x: axisX, y: cellRow, style: axisStyle)
            grid.put(label, x: axisX - DisplayWidth.of(label), y: cellRow, style: Style(.dim), clip: body)
        }

        // X axis: a line with tick marks and labels centred under them.
        grid.put(glyphs.isUnicode ? "└" : "+", x: axisX, y: axisY, style: axisStyle)
        for x in plot.x..<plot.maxX { grid.put(glyphs.horizontal, x: x, y: axisY, style: axisStyle) }
        let xTicks = Self.xTicks(xScale, format: xFormat, count: max(2, plot.width / 12))
        let tickSpacing = xTicks.count >= 2 ? xTicks[1] - xTicks[0] : 1
        var nextFree = body.x
        for tick in xTicks {
            guard let f = xScale.fraction(tick), f >= -1e-9, f <= 1 + 1e-9 else { continue }
            let column = plot.x + Int((f * Double(canvas.dotWidth - 1)).rounded()) / dotsPerCell.x
            grid.put(glyphs.isUnicode ? "┬" : "+", x: column, y: axisY, style: axisStyle)
            let label = Self.xLabel(tick, format: xFormat, spacing: tickSpacing)
            let w = DisplayWidth.of(label)
            let start = max(body.x, min(body.maxX - w, column - w / 2))
            guard start >= nextFree else { continue }
            grid.put(label, x: start, y: axisY + 1, style: Style(.dim), clip: body)
            nextFree = start + w + 1
        }

        // The series, in order (later ones on top).
        for (s, envelope) in zip(series, envelopes) {
            switch s.kind {
            case .rule:
                guard let v = s.ys.first, yAxis.fraction(v).map({ $0 >= 0 && $0 <= 1 }) == true else { continue }
                let r = row(v)
                for x in stride(from: 0, to: canvas.dotWidth, by: 2) { canvas.set(x: x, y: r, style: s.style) }
            case .line, .points:
                var previous: (x: Int, y: Int)? = nil
                for (x, column) in envelope.columns.enumerated() {
                    guard let column else { continue }
                    if s.kind == .line, let p = previous {
                        canvas.line(from: p.x, p.y, to: x, row(column.first), style: s.style)
                    }
                    canvas.vertical(x: x, from: row(column.minimum), to: row(column.maximum), style: s.style)
                    previous = (x, row(column.last))
                }
            }
        }
        canvas.draw(into: &grid, x: plot.x, y: plot.y)
        return Layout(plot: plot, x: xScale, y: yAxis, yTicks: yTicks, xTicks: xTicks)
    }

    /// The y axis around `lower...upper`: on a linear axis widened to whole tick steps (so the top and
    /// bottom rows are labelled), on a log axis padded by 5% of the span in log units.
    static func yAxis(lower: Double, upper: Double, kind: ChartScaleKind, tickCount: Int) -> (ChartScale, [Double]) {
        var scale = ChartScale(lower: lower, upper: upper, kind: kind)
        if kind == .log {
            let lo = log10(scale.lower), hi = log10(scale.upper), pad = (hi - lo) * 0.05
            scale = ChartScale(lower: pow(10, lo - pad), upper: pow(10, hi + pad), kind: .log)
            return (scale, scale.ticks(count: tickCount))
        }
        let step = ChartScale.niceStep((scale.upper - scale.lower) / Double(max(1, tickCount - 1)))
        guard step > 0 else { return (scale, [scale.lower]) }
        let lo = (scale.lower / step).rounded(.down) * step, hi = (scale.upper / step).rounded(.up) * step
        scale = ChartScale(lower: lo, upper: hi)
        let n = Int(((hi - lo) / step).rounded())
        return (scale, (0...max(0, n)).map { i in
            let v = lo + Double(i) * step
            return abs(v) < step * 1e-9 ? 0 : v
        })
    }

    static func xTicks(_ scale: ChartScale, format: ChartXFormat, count: Int) -> [Double] {
        switch format {
        case .number: return scale.ticks(count: count)
        case .duration, .clock: return TimeTicks.ticks(lower: scale.lower, upper: scale.upper, count: count)
        }
    }

    static func xLabel(_ value: Double, format: ChartXFormat, spacing: Double) -> String {
        switch format {
        case .number: return ChartNumberFormat.compact(value, resolution: spacing)
        case .duration: return ChartNumberFormat.duration(value)
        case .clock: return TimeTicks.clockLabel(value, withSeconds: spacing < 60)
        }
    }

    private func legendLine(glyphs: Glyphs) -> StyledLine {
        var line = StyledLine()
        for s in series where s.inLegend {
            if !line.spans.isEmpty { line.append("  ") }
            line.append(glyphs.isUnicode ? "━ " : "- ", s.style)
            line.append(s.label, Style(.dim))
        }
        return line
    }

    private func drawTitle(in row: Rect, legend: StyledLine, grid: inout CellGrid) {
        var x = row.x
        x += grid.put(title, x: x, y: row.y, style: Style(focused ? .accent : .title, [.bold]), clip: row)
        if !summary.spans.isEmpty {
            x += grid.put("  ", x: x, y: row.y, clip: row)
            x += grid.put(summary, x: x, y: row.y, clip: row)
        }
        guard !legend.spans.isEmpty else { return }
        let start = max(x + 2, row.maxX - legend.width)
        grid.put(legend, x: start, y: row.y, clip: row)
    }
}
