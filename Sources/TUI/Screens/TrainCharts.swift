import DuetCLI
import Foundation

/// The dashboard's charts, in tab order (keys 1-6).
enum TrainChart: Int, CaseIterable {
    case loss, validation, learningRate, gradientNorm, throughput, mfu

    var title: String {
        switch self {
        case .loss: return "loss"
        case .validation: return "val loss"
        case .learningRate: return "learning rate"
        case .gradientNorm: return "grad norm"
        case .throughput: return "tokens/s"
        case .mfu: return "MFU"
        }
    }

    /// The metric `duet train` logs for it.
    var metric: String {
        switch self {
        case .loss: return "loss"
        case .validation: return "val_loss"
        case .learningRate: return "lr"
        case .gradientNorm: return "grad_norm"
        case .throughput: return "tokens_per_second"
        case .mfu: return "mfu"
        }
    }
}

/// What the x axis measures.
enum TrainXAxis: CaseIterable {
    case step, elapsed, wallClock

    var label: String {
        switch self {
        case .step: return "step"
        case .elapsed: return "time"
        case .wallClock: return "clock"
        }
    }
}

/// How the charts are drawn; changed with keys.
struct TrainViewOptions: Equatable {
    /// EMA weight for the loss (TensorBoard's smoothing slider), 0...0.99.
    var smoothing = 0.6
    var xAxis = TrainXAxis.step
    var logY = false
    /// Show only the last this many steps (nil: the whole run).
    var zoomSteps: Int? = nil
    var focusedChart = TrainChart.loss

    static let zoomLevels: [Int?] = [nil, 10_000, 1_000, 100]

    mutating func cycleZoom() {
        let i = Self.zoomLevels.firstIndex(of: zoomSteps) ?? 0
        zoomSteps = Self.zoomLevels[(i + 1) % Self.zoomLevels.count]
    }

    mutating func adjustSmoothing(by delta: Double) {
        smoothing = min(0.99, max(0, ((smoothing + delta) * 100).rounded() / 100))
    }
}

/// Builds a `BrailleChart` of one metric for one run (raw values faded under their EMA for the loss,
/// clip events on the gradient norm) or for several runs on the same axes (one colour per run).
enum TrainChartBuilder {
    /// Colours for the runs shown together: each run keeps the colour its id picks (so it does not change
    /// when other runs are added), unless another run of the set took it first.
    static func colors(for ids: [Int64]) -> [Int64: StyleRole] {
        var taken = Set<Int>(), out: [Int64: StyleRole] = [:]
        let palette = StyleRole.series
        for id in ids.sorted() {
            var index = Int((id - 1) % Int64(palette.count) + Int64(palette.count)) % palette.count
            for _ in 0..<palette.count where taken.contains(index) { index = (index + 1) % palette.count }
            taken.insert(index)
            out[id] = palette[index]
        }
        return out
    }

    static func chart(_ kind: TrainChart, runs: [TrainRunState], options: TrainViewOptions) -> BrailleChart {
        let colors = colors(for: runs.map(\.run.id))
        let overlay = runs.count > 1
        // Zoom: the last N steps of the furthest run.
        let lastStep = runs.compactMap { $0.series[kind.metric]?.steps.last }.max() ?? 0
        let cutoff = options.zoomSteps.map { lastStep - Double($0) } ?? -Double.infinity
        var series: [ChartSeries] = []
        for state in runs {
            guard let buffer = state.series[kind.metric] else { continue }
            let style = Style(colors[state.run.id] ?? .series1)
            let start = cutoff.isFinite ? buffer.firstIndex(afterStep: cutoff) : 0
            let (xs, shift) = xValues(buffer, from: start, state: state, axis: options.xAxis)
            let label = overlay ? state.label : kind.title
            switch kind {
            case .loss where options.smoothing > 0:
                let smoothed = state.smoothed(kind.metric, weight: options.smoothing)
                series.append(shifted(ChartSeries("raw", xs: xs, ys: buffer.values[start...], style: Style(.dim), inLegend: !overlay), shift))
                series.append(shifted(ChartSeries(overlay ? label : String(format: "ema %.2f", options.smoothing), xs: xs,
                                                  ys: smoothed[start...], style: style), shift))
            case .gradientNorm:
                series.append(shifted(ChartSeries(label, xs: xs, ys: buffer.values[start...], style: style, inLegend: overlay), shift))
                let clips = state.clipEvents
                let clipStart = cutoff.isFinite ? clips.firstIndex(afterStep: cutoff) : 0
                if clipStart < clips.count {
                    let (cx, cshift) = xValues(clips, from: clipStart, state: state, axis: options.xAxis)
                    series.append(shifted(ChartSeries("clipped", xs: cx, ys: clips.values[clipStart...], style: Style(.warning),
                                                      kind: .points, inLegend: !overlay), cshift))
                }
                if !overlay, let threshold = state.clipNorm {
                    series.append(ChartSeries("clip \(ChartNumberFormat.compact(threshold))", xs: [], ys: [threshold],
                                              style: Style(.warning, [.dim]), kind: .rule, inLegend: false, affectsRange: false))
                }
            default:
                series.append(shifted(ChartSeries(label, xs: xs, ys: buffer.values[start...], style: style, inLegend: overlay), shift))
            }
        }
        var chart = BrailleChart(title: kind.title, series: series)
        chart.yFormat = kind == .mfu ? .percent : .number
        chart.yScale = options.logY ? .log : .linear
        chart.xFormat = options.xAxis == .step ? .number : options.xAxis == .elapsed ? .duration : .clock
        chart.legendRow = overlay
        chart.focused = kind == options.focusedChart
        chart.emptyText = runs.isEmpty ? "no run selected" : "no \(kind.metric) yet"
        if !overlay, let state = runs.first { chart.summary = summary(kind, state: state, options: options) }
        return chart
    }

    /// The x values of `buffer` from index `start` on the chosen axis, and the shift to subtract.
    private static func xValues(_ buffer: MetricBuffer, from start: Int, state: TrainRunState,
                                axis: TrainXAxis) -> (ArraySlice<Double>, Double) {
        switch axis {
        case .step: return (buffer.steps[start...], 0)
        case .elapsed: return (buffer.times[start...], state.firstTime ?? 0)
        case .wallClock: return (buffer.times[start...], 0)
        }
    }

    private static func shifted(_ series: ChartSeries, _ shift: Double) -> ChartSeries {
        var s = series
        s.xShift = shift
        return s
    }

    /// The latest values after the title: "2.314 (ema 2.401)", "1.02 · clipped 12 of 300"...
    static func summary(_ kind: TrainChart, state: TrainRunState, options: TrainViewOptions) -> StyledLine {
        guard let buffer = state.series[kind.metric], let last = buffer.lastValue else { return StyledLine() }
        var line = StyledLine()
        switch kind {
        case .mfu: line.append(String(format: "%.1f%%", last * 100), Style(.normal, [.bold]))
        case .throughput: line.append(ChartNumberFormat.compact(last, resolution: max(1, last / 1000)), Style(.normal, [.bold]))
        default: line.append(ChartNumberFormat.precise(last), Style(.normal, [.bold]))
        }
        switch kind {
        case .loss where options.smoothing > 0:
            if let ema = state.smoothed(kind.metric, weight: options.smoothing).last {
                line.append(" ema " + ChartNumberFormat.precise(ema), Style(.dim))
            }
        case .validation:
            if let accuracy = state.series["val_accuracy"]?.lastValue {
                line.append(String(format: " · accuracy %.1f%%", accuracy * 100), Style(.dim))
            }
            if let step = buffer.lastStep { line.append(" @\(step)", Style(.dim)) }
        case .gradientNorm:
            let total = state.series["clipped"]?.count ?? 0
            if total > 0 { line.append(" · clipped \(state.clipEvents.count) of \(total)", Style(.dim)) }
        case .mfu:
            // What the percentage divides by: runs compare only against the same peak.
            if let peak = state.run.mfuReference {
                line.append(" of sgemm " + String(format: "%.1f", peak.peakGflops) + " GFLOP/s", Style(.dim))
                if let share = peak.cpuShare, share < SgemmPeak.busyShare { line.append(" (measured busy)", Style(.warning)) }
            }
        default: break
        }
        return line
    }
}
