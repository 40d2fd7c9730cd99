import Foundation

/// How values map onto a chart axis.
public enum ChartScaleKind: Equatable {
    case linear
    /// Base-10 logarithmic; values <= 0 have no position and are dropped.
    case log
}

/// An axis from `lower` to `upper` in data units, linear or logarithmic: maps values to fractions of the
/// axis (0 at `lower`, 1 at `upper`) and picks tick values that are round numbers.
public struct ChartScale: Equatable {
    public var lower: Double
    public var upper: Double
    public var kind: ChartScaleKind

    /// A scale over `lower...upper`; an empty range is widened so every value still has a position.
    public init(lower: Double, upper: Double, kind: ChartScaleKind = .linear) {
        var lo = lower, hi = upper
        if kind == .log {
            lo = lo > 0 ? lo : Double.leastNormalMagnitude
            hi = max(hi, lo)
            if hi == lo { lo /= 2; hi *= 2 }
        } else if hi == lo {
            let pad = lo == 0 ? 1 : abs(lo) * 0.05
            lo -= pad
            hi += pad
        }
        self.lower = lo
        self.upper = hi
        self.kind = kind
    }

    /// `value` in the axis's own units (its log10 on a log axis); nil when it has no position.
    @inline(__always)
    public func transformed(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        switch kind {
        case .linear: return value
        case .log: return value > 0 ? Foundation.log10(value) : nil
        }
    }

    /// Where `value` lies: 0 at `lower`, 1 at `upper` (outside 0...1 when out of range); nil without a position.
    public func fraction(_ value: Double) -> Double? {
        guard let t = transformed(value), let lo = transformed(lower), let hi = transformed(upper) else { return nil }
        return (t - lo) / (hi - lo)
    }

    /// Up to about `count` round values inside the range, ascending: 1, 2 or 5 times a power of ten apart on
    /// a linear axis; powers of ten on a log axis spanning at least a decade (else round linear values).
    public func ticks(count: Int) -> [Double] {
        let n = max(2, count)
        if kind == .log {
            let lo = Foundation.log10(lower), hi = Foundation.log10(upper)
            if hi - lo >= 1 {
                let first = Int(lo.rounded(.up)), last = Int(hi.rounded(.down))
                let stride = max(1, Int((Double(last - first + 1) / Double(n)).rounded(.up)))
                return Swift.stride(from: first, through: last, by: stride).map { Foundation.pow(10, Double($0)) }
            }
        }
        let step = Self.niceStep((upper - lower) / Double(n - 1))
        guard step > 0, step.isFinite else { return [lower] }
        var ticks: [Double] = []
        var k = (lower / step).rounded(.up)
        while k * step <= upper + step * 1e-9, ticks.count < 4 * n {
            let v = k * step
            ticks.append(abs(v) < step * 1e-9 ? 0 : v)  // no "-0"
            k += 1
        }
        return ticks
    }

    /// The 1, 2 or 5 x 10^k closest to `rough` (d3's `tickIncrement` thresholds: sqrt(2), sqrt(10), sqrt(50)).
    public static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 0 }
        let magnitude = Foundation.pow(10, (Foundation.log10(rough)).rounded(.down))
        let error = rough / magnitude
        if error >= 50.0.squareRoot() { return 10 * magnitude }
        if error >= 10.0.squareRoot() { return 5 * magnitude }
        if error >= 2.0.squareRoot() { return 2 * magnitude }
        return magnitude
    }

    /// The distance between neighbouring ticks (for choosing label precision).
    public static func resolution(of ticks: [Double]) -> Double {
        guard ticks.count >= 2 else { return abs(ticks.first ?? 1) }
        return abs(ticks[1] - ticks[0])
    }
}

/// Short labels for chart axes and summaries.
public enum ChartNumberFormat {
    /// `value` with just enough digits to tell apart values `resolution` apart: "0.25", "12", "3.4k",
    /// "1.2M", "3e-4".
    public static func compact(_ value: Double, resolution: Double? = nil) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        if value == 0 { return "0" }
        let a = abs(value)
        let r = abs(resolution ?? a / 100)
        if a >= 1e4 {
            let (divisor, suffix): (Double, String) = a >= 1e12 ? (1e12, "T") : a >= 1e9 ? (1e9, "G") : a >= 1e6 ? (1e6, "M") : (1e3, "k")
            let digits = max(0, min(3, decimals(for: r / divisor)))
            return trimmed(String(format: "%.\(digits)f", value / divisor)) + suffix
        }
        if a < 1e-3 || (r < 1e-4 && a < 1e-2) {
            // Digits down to the resolution's: 2.95e-4 with ticks 5e-6 apart.
            let digits = Int(Foundation.log10(a).rounded(.down)) - Int(Foundation.log10(max(r, a * 1e-4)).rounded(.down)) + 1
            return scientific(value, significant: max(1, min(4, digits)))
        }
        let digits = max(0, min(5, decimals(for: r)))
        return trimmed(String(format: "%.\(digits)f", value))
    }

    /// A value with 4 significant digits for summaries ("3.142", "0.0003142" as "3.142e-4").
    public static func precise(_ value: Double) -> String {
        guard value.isFinite else { return compact(value) }
        let a = abs(value)
        if a != 0, a < 1e-3 || a >= 1e6 { return scientific(value, significant: 4) }
        return String(format: a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f", value)
    }

    /// Seconds as "45s", "3m05s", "2h07m", "3d04h".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        if s < 0 { return "-" + duration(-seconds) }
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        if s < 86400 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        return String(format: "%dd%02dh", s / 86400, (s % 86400) / 3600)
    }

    private static func decimals(for resolution: Double) -> Int {
        guard resolution > 0, resolution.isFinite else { return 0 }
        return Int((-Foundation.log10(resolution) + 0.999).rounded(.down))
    }

    private static func scientific(_ value: Double, significant: Int) -> String {
        let text = String(format: "%.\(max(0, significant - 1))e", value)  // "3.00e-04"
        guard let e = text.firstIndex(of: "e") else { return text }
        let mantissa = trimmed(String(text[..<e]))
        var exponent = String(text[text.index(after: e)...])
        let negative = exponent.hasPrefix("-")
        exponent = String(exponent.drop { $0 == "-" || $0 == "+" || $0 == "0" })
        return mantissa + "e" + (negative ? "-" : "") + (exponent.isEmpty ? "0" : exponent)
    }

    /// "2.50" -> "2.5", "3.00" -> "3".
    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var t = Substring(text)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }
}
