import Foundation

/// One point of a chart series, with an optional vertical interval (an error bar) and a label drawn beside it.
struct PlotPoint: Sendable {
    var x: Double
    var y: Double
    var low: Double? = nil
    var high: Double? = nil
    var label: String? = nil
}

/// A named series: a polyline, or markers (with labels and error bars when the points carry them).
struct PlotSeries: Sendable {
    enum Style: Sendable { case line, markers }
    var name: String
    var style: Style
    var points: [PlotPoint]
}

/// A two-axis chart rendered into an `RGBImage`: frame, "nice" ticks with labels, the series in
/// `RGB.palette` colours and a legend. Non-finite points are left out.
struct PlotChart: Sendable {
    var title: String
    var xLabel: String
    var yLabel: String
    var series: [PlotSeries]
    /// Fixed y-axis bounds (e.g. 0–100 for accuracy), instead of bounds fitted to the data.
    var yBounds: (low: Double, high: Double)? = nil
    var width = 800
    var height = 500

    private let left = 78, right = 24, top = 34, bottom = 52

    func render() -> RGBImage {
        var image = RGBImage(width: width, height: height)
        let plot = (x0: left, y0: top, x1: width - right, y1: height - bottom)
        image.text(title, x: left, y: 10, .black, scale: 2)
        let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let ys = finite.flatMap { [$0.y, $0.low ?? $0.y, $0.high ?? $0.y] }.filter(\.isFinite)
        let xRange = Self.niceRange(finite.map(\.x))
        let yRange = yBounds.map { Self.niceRange([$0.low, $0.high]) } ?? Self.niceRange(ys)
        func px(_ x: Double) -> Int { plot.x0 + Int(((x - xRange.low) / (xRange.high - xRange.low) * Double(plot.x1 - plot.x0)).rounded()) }
        func py(_ y: Double) -> Int { plot.y1 - Int(((y - yRange.low) / (yRange.high - yRange.low) * Double(plot.y1 - plot.y0)).rounded()) }
        // Grid, ticks and their labels.
        for tick in Self.ticks(xRange) {
            let x = px(tick)
            image.line(from: (x, plot.y0), to: (x, plot.y1), RGB(r: 235, g: 235, b: 235))
            let label = Self.format(tick, step: xRange.step)
            image.text(label, x: x - BitmapFont.width(of: label) / 2, y: plot.y1 + 6, .darkGrey)
        }
        for tick in Self.ticks(yRange) {
            let y = py(tick)
            image.line(from: (plot.x0, y), to: (plot.x1, y), RGB(r: 235, g: 235, b: 235))
            let label = Self.format(tick, step: yRange.step)
            image.text(label, x: plot.x0 - 6 - BitmapFont.width(of: label), y: y - 3, .darkGrey)
        }
        image.line(from: (plot.x0, plot.y0), to: (plot.x0, plot.y1), .black)
        image.line(from: (plot.x0, plot.y1), to: (plot.x1, plot.y1), .black)
        image.text(xLabel, x: (plot.x0 + plot.x1 - BitmapFont.width(of: xLabel, scale: 2)) / 2, y: height - 22, .black, scale: 2)
        image.verticalText(yLabel, x: 6, bottom: (plot.y0 + plot.y1 + BitmapFont.width(of: yLabel, scale: 2)) / 2, .black, scale: 2)
        // Series, then the legend on top of them.
        for (index, s) in series.enumerated() {
            let color = RGB.palette[index % RGB.palette.count]
            let points = s.points.filter { $0.x.isFinite && $0.y.isFinite }
            switch s.style {
            case .line:
                for (a, b) in zip(points, points.dropFirst()) {
                    image.line(from: (px(a.x), py(a.y)), to: (px(b.x), py(b.y)), color, thickness: 2)
                }
                if points.count == 1 { image.marker(x: px(points[0].x), y: py(points[0].y), size: 5, color) }
            case .markers:
                for p in points {
                    if let low = p.low, let high = p.high, low.isFinite, high.isFinite {
                        image.line(from: (px(p.x), py(low)), to: (px(p.x), py(high)), color)
                        image.line(from: (px(p.x) - 4, py(low)), to: (px(p.x) + 4, py(low)), color)
                        image.line(from: (px(p.x) - 4, py(high)), to: (px(p.x) + 4, py(high)), color)
                    }
                    image.marker(x: px(p.x), y: py(p.y), size: 8, color)
                    if let label = p.label { image.text(label, x: px(p.x) + 8, y: py(p.y) - 10, color) }
                }
            }
        }
        let legendWidth = (series.map { BitmapFont.width(of: $0.name) }.max() ?? 0) + 28
        var y = plot.y0 + 8
        image.fill(x: plot.x1 - legendWidth - 8, y: plot.y0 + 2, width: legendWidth + 6, height: series.count * 12 + 10, .white)
        for (index, s) in series.enumerated() {
            let color = RGB.palette[index % RGB.palette.count]
            image.fill(x: plot.x1 - legendWidth - 2, y: y, width: 14, height: 6, color)
            image.text(s.name, x: plot.x1 - legendWidth + 16, y: y - 1, .black)
            y += 12
        }
        return image
    }

    /// An axis range: from and to multiples of a 1-2-5 step that covers `values` in about five ticks.
    struct AxisRange: Equatable {
        var low: Double
        var high: Double
        var step: Double
    }

    static func niceRange(_ values: [Double]) -> AxisRange {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if high - low < 1e-12 { low -= max(abs(low) * 0.1, 0.5); high += max(abs(high) * 0.1, 0.5) }
        let raw = (high - low) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        return AxisRange(low: floor(low / step) * step, high: ceil(high / step) * step, step: step)
    }

    static func ticks(_ range: AxisRange) -> [Double] {
        let count = Int(((range.high - range.low) / range.step).rounded())
        return (0...max(0, count)).map { range.low + Double($0) * range.step }
    }

    /// A tick label with as many decimals as the step needs.
    static func format(_ value: Double, step: Double) -> String {
        let decimals = max(0, min(6, Int(ceil(-log10(step) - 1e-9))))
        return String(format: "%.\(decimals)f", abs(value) < step / 1e6 ? 0 : value)
    }
}
