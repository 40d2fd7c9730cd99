import Foundation

/// One data series of a `BrailleChart`.
public struct ChartSeries {
    public enum Kind: Equatable {
        /// Points joined by lines.
        case line
        /// Unjoined points (events such as gradient clipping).
        case points
        /// A dotted horizontal rule at `ys.first` (a threshold); `xs` is ignored.
        case rule
    }

    public var label: String
    public var style: Style
    public var kind: Kind
    /// X values, ascending.
    public var xs: ArraySlice<Double>
    public var ys: ArraySlice<Double>
    /// Listed in the legend.
    public var inLegend: Bool
    /// Counts when choosing the y range (a threshold far from the data can be left out).
    public var affectsRange: Bool
    /// Subtracted from every x (wall times shown as time since the run's start).
    public var xShift = 0.0

    public init(_ label: String, xs: ArraySlice<Double>, ys: ArraySlice<Double>, style: Style, kind: Kind = .line,
                inLegend: Bool = true, affectsRange: Bool = true) {
        self.label = label
        self.xs = xs
        self.ys = ys
        self.style = style
        self.kind = kind
        self.inLegend = inLegend
        self.affectsRange = affectsRange
    }

    public init(_ label: String, xs: [Double], ys: [Double], style: Style, kind: Kind = .line, inLegend: Bool = true,
                affectsRange: Bool = true) {
        self.init(label, xs: xs[...], ys: ys[...], style: style, kind: kind, inLegend: inLegend, affectsRange: affectsRange)
    }
}

/// How a chart labels its x axis.
public enum ChartXFormat: Equatable {
    /// Plain numbers (steps): "0", "500", "1.5k".
    case number
    /// Seconds shown as durations: "30s", "2m00s".
    case duration
    /// Unix seconds shown as local clock times: "14:05" (or "14:05:30" when ticks are under a minute apart).
    case clock
}

/// How a chart labels its y axis.
public enum ChartYFormat: Equatable {
    case number
    /// Fractions shown as percentages ("25%" for 0.25).
    case percent

    func label(_ value: Double, resolution: Double) -> String {
        switch self {
        case .number: return ChartNumberFormat.compact(value, resolution: resolution)
        case .percent: return ChartNumberFormat.compact(value * 100, resolution: resolution * 100) + "%"
        }
    }
}

/// Round tick values for time axes (seconds): 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6,
/// 12 h, then days.
enum TimeTicks {
    static let steps: [Double] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400]

    static func ticks(lower: Double, upper: Double, count: Int) -> [Double] {
        let rough = (upper - lower) / Double(max(1, count - 1))
        var step = steps.first { $0 >= rough } ?? (rough / 86400).rounded(.up) * 86400
        if step <= 0 || !step.isFinite { step = 1 }
        var ticks: [Double] = []
        var k = (lower / step).rounded(.up)
        while k * step <= upper + 1e-9, ticks.count < 4 * count {
            ticks.append(k * step)
            k += 1
        }
        return ticks
    }

    /// "14:05" or "14:05:30" (local time).
    static func clockLabel(_ unixSeconds: Double, withSeconds: Bool) -> String {
        var t = time_t(unixSeconds.rounded(.down))
        var parts = tm()
        localtime_r(&t, &parts)
        return withSeconds ? String(format: "%02d:%02d:%02d", parts.tm_hour, parts.tm_min, parts.tm_sec)
            : String(format: "%02d:%02d", parts.tm_hour, parts.tm_min)
    }
}
