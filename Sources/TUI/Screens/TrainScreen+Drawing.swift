import Foundation
import Sessions

/// Layout and drawing of the Train screen: the run list, the selected run's progress and status line,
/// the chart tabs and a page of charts, and the log. Below 100 columns the layout is compact: fewer
/// list rows and one chart per row.
extension TrainScreen {
    struct Layout: Equatable {
        var compact: Bool
        var list: Rect
        var progress: Rect
        var info: Rect
        var tabs: Rect
        /// The charts of the page shown (the page holding the focused chart).
        var charts: [Rect]
        var log: Rect
    }

    /// Terminals narrower than this get the compact layout.
    static let compactWidth = 100
    /// The smallest chart worth drawing (title, 4 plot rows, axis and labels).
    static let minimumChartHeight = 7

    static func layout(in rect: Rect, runCount: Int) -> Layout {
        let compact = rect.width < compactWidth
        let maxListRows = compact || rect.height < 26 ? 3 : 6
        let (list, afterList) = rect.splitTop(1 + min(max(1, runCount), maxListRows))
        let (progress, afterProgress) = afterList.splitTop(1)
        let (info, afterInfo) = afterProgress.splitTop(1)
        let logRows = afterInfo.height >= 34 ? 7 : afterInfo.height >= 24 ? 5 : afterInfo.height >= 16 ? 3 : 0
        let (middle, log) = afterInfo.splitBottom(logRows)
        let (tabs, chartArea) = middle.splitTop(1)
        let columns = compact ? 1 : 2
        let rows = max(1, min(compact ? 2 : 3, chartArea.height / minimumChartHeight))
        var charts: [Rect] = []
        if chartArea.height >= 4 {
            let rowHeight = chartArea.height / rows
            let columnWidth = chartArea.width / columns
            for r in 0..<rows {
                for c in 0..<columns {
                    let height = r == rows - 1 ? chartArea.height - rowHeight * r : rowHeight
                    let width = c == columns - 1 ? chartArea.width - columnWidth * c : columnWidth - 1
                    charts.append(Rect(x: chartArea.x + columnWidth * c, y: chartArea.y + rowHeight * r, width: width, height: height))
                }
            }
        }
        return Layout(compact: compact, list: list, progress: progress, info: info, tabs: tabs, charts: charts, log: log)
    }

    /// The charts on the page that holds the focused one.
    func chartPage(size: Int) -> [TrainChart] {
        guard size > 0 else { return [] }
        let page = options.focusedChart.rawValue / size
        return Array(TrainChart.allCases.dropFirst(page * size).prefix(size))
    }

    public func draw(in rect: Rect, grid: inout CellGrid, context: ScreenContext) {
        let database = context.paths.database
        if let databaseError {
            drawCenteredMessage([StyledLine("Cannot read the run database.", Style(.error, [.bold])), StyledLine(),
                                 StyledLine(databaseError, Style(.dim)), StyledLine("Database: \(database)", Style(.dim))],
                                in: rect, grid: &grid)
            return
        }
        guard hasPolled else {
            drawCenteredMessage([StyledLine("Reading \(database)\(context.glyphs.ellipsis)", Style(.dim))], in: rect, grid: &grid)
            return
        }
        guard !runs.isEmpty else {
            let newKey = context.key("train.new", in: keyContexts) ?? "n"
            drawCenteredMessage([
                StyledLine("No training runs yet.", Style(.title, [.bold])), StyledLine(),
                StyledLine("Press \(newKey) to start one, or run `duet train --db \(database) ...` in another terminal:", Style(.dim)),
                StyledLine("it appears here and updates live.", Style(.dim)),
                StyledLine("Database: \(database)", Style(.dim)),
            ], in: rect, grid: &grid)
            return
        }
        let layout = Self.layout(in: rect, runCount: runs.count)
        drawRunList(in: layout.list, compact: layout.compact, grid: &grid, glyphs: context.glyphs)
        drawProgress(in: layout.progress, grid: &grid, glyphs: context.glyphs)
        drawInfo(in: layout.info, grid: &grid)
        let page = chartPage(size: layout.charts.count)
        drawTabs(in: layout.tabs, visible: page, grid: &grid)
        let shown = chartRuns
        for (chart, area) in zip(page, layout.charts) {
            TrainChartBuilder.chart(chart, runs: shown, options: options).draw(in: area, grid: &grid, glyphs: context.glyphs)
        }
        drawLog(in: layout.log, grid: &grid, glyphs: context.glyphs)
    }

    // MARK: Run list

    private struct Column {
        var title: String
        var width: Int
        var rightAligned: Bool
        var value: (TrainRunState) -> (String, StyleRole)
    }

    private func columns(compact: Bool) -> [Column] {
        var out = [
            Column(title: "ID", width: 4, rightAligned: true) { ("\($0.run.id)", .normal) },
            Column(title: "STATUS", width: 9, rightAligned: false) { ($0.run.status.rawValue, Self.statusRole($0.run.status)) },
        ]
        if !compact {
            out.append(Column(title: "KIND", width: 9, rightAligned: false) { ($0.run.kind.rawValue, .normal) })
            out.append(Column(title: "MODEL", width: 16, rightAligned: false) { ($0.modelName, .normal) })
        }
        out.append(Column(title: "STEP", width: 13, rightAligned: true) { state in
            let step = state.currentStep.map(String.init) ?? "-"
            return (state.totalSteps.map { "\(step)/\($0)" } ?? step, .normal)
        })
        out.append(Column(title: "LOSS", width: 8, rightAligned: true) { state in
            (state.latestValue("loss").map(ChartNumberFormat.precise) ?? "-", .normal)
        })
        if !compact {
            out.append(Column(title: "TOK/S", width: 8, rightAligned: true) { state in
                (state.latestValue("tokens_per_second").map { ChartNumberFormat.compact($0, resolution: max(1, $0 / 1000)) } ?? "-", .normal)
            })
        }
        out.append(Column(title: "ETA", width: 8, rightAligned: true) { state in (Self.etaText(state), .dim) })
        return out
    }

    static func statusRole(_ status: RunStatus) -> StyleRole {
        switch status {
        case .running: return .success
        case .paused, .stopped: return .warning
        case .lost, .failed: return .error
        case .queued, .finished: return .dim
        }
    }

    static func etaText(_ state: TrainRunState) -> String {
        switch state.run.status {
        case .paused: return "paused"
        case .running, .queued: return state.remainingSeconds.map(ChartNumberFormat.duration) ?? "?"
        default: return "-"
        }
    }

    private func drawRunList(in rect: Rect, compact: Bool, grid: inout CellGrid, glyphs: Glyphs) {
        guard rect.height >= 2 else { return }
        let cols = columns(compact: compact)
        let colors = TrainChartBuilder.colors(for: marked)
        func cells(_ values: [(String, StyleRole)], name: (String, StyleRole), mark: (String, StyleRole)) -> StyledLine {
            var line = StyledLine()
            line.append(mark.0, Style(mark.1))
            for (column, value) in zip(cols, values) {
                let text = DisplayWidth.truncate(value.0, to: column.width, ellipsis: glyphs.ellipsis)
                let pad = String(repeating: " ", count: max(0, column.width - DisplayWidth.of(text)))
                line.append(column.rightAligned ? pad + text : text + pad, Style(value.1))
                line.append(" ")
            }
            line.append(name.0, Style(name.1))
            return line
        }
        let header = cells(cols.map { ($0.title, .dim) }, name: ("NAME", .dim), mark: ("  ", .dim))
        grid.put(header, x: rect.x, y: rect.y, clip: rect)
        let items = runs.map { state -> StyledLine in
            let mark = colors[state.run.id].map { (glyphs.bullet + " ", $0) } ?? ("  ", StyleRole.normal)
            return cells(cols.map { $0.value(state) }, name: (state.run.name ?? state.run.outputDirectory ?? "", .dim), mark: mark)
        }
        list.draw(items, in: Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1), grid: &grid)
    }

    // MARK: Progress, status line, tabs

    private func drawProgress(in rect: Rect, grid: inout CellGrid, glyphs: Glyphs) {
        guard let state = selected, !rect.isEmpty else { return }
        var x = rect.x
        x += grid.put("#\(state.run.id) ", x: x, y: rect.y, style: Style(.title, [.bold]), clip: rect)
        x += grid.put(state.run.status.rawValue + " ", x: x, y: rect.y, style: Style(Self.statusRole(state.run.status), [.bold]), clip: rect)
        let step = state.currentStep ?? 0
        guard let total = state.totalSteps, total > 0 else {
            grid.put("step \(step)", x: x, y: rect.y, clip: rect)
            return
        }
        let fraction = Double(step) / Double(total)
        var label = String(format: "%3.0f%% ", fraction * 100) + "\(step)/\(total)"
        let eta = Self.etaText(state)
        if eta != "-" { label += " ETA " + eta }
        if let perStep = state.eta.secondsPerStep { label += " · " + ChartNumberFormat.compact(perStep, resolution: perStep / 100) + " s/step" }
        ProgressBar(fraction: fraction, label: label).draw(in: Rect(x: x, y: rect.y, width: rect.maxX - x, height: 1),
                                                           grid: &grid, glyphs: glyphs)
    }

    private func drawInfo(in rect: Rect, grid: inout CellGrid) {
        guard let state = selected, !rect.isEmpty else { return }
        var line = StyledLine()
        func add(_ text: String, _ role: StyleRole = .dim) {
            if !line.spans.isEmpty { line.append(" · ", Style(.dim)) }
            line.append(text, Style(role))
        }
        if marked.count > 0 {
            add("comparing " + marked.compactMap { states[$0]?.label }.joined(separator: ", ") + " (Space adds/removes, u clears)", .accent)
        }
        switch state.run.status {
        case .paused: add("paused: r resumes", .warning)
        case .lost: add("lost: no heartbeat since " + (state.run.heartbeatAt.map { TrainLog.clock($0.timeIntervalSince1970) } ?? "start"), .error)
        case .failed: add("failed: " + (state.run.error ?? "unknown error"), .error)
        // Why a run stopped when it was not asked from here (mpirun ended the job): where it can resume from.
        case .stopped: if let reason = state.run.error { add("stopped: " + reason, .warning) }
        default: break
        }
        if let val = state.latestValue("val_loss") {
            var text = "eval"
            if let step = state.series["val_loss"]?.lastStep ?? state.latest["val_loss"]?.step { text += " @\(step)" }
            text += " val_loss " + ChartNumberFormat.precise(val)
            if let accuracy = state.latestValue("val_accuracy") { text += String(format: " acc %.1f%%", accuracy * 100) }
            add(text, .success)
        }
        if let checkpoint = state.checkpoints.last { add("checkpoint @\(checkpoint.step)", .notice) }
        if state.ranks > 1 {
            // tokens_per_second of a data-parallel run is the sum over its ranks.
            var text = "\(state.ranks) ranks"
            if let total = state.latestValue("tokens_per_second") {
                text += " " + ChartNumberFormat.compact(total, resolution: max(1, total / 1000)) + " tok/s total, "
                    + ChartNumberFormat.compact(total / Double(state.ranks), resolution: max(1, total / Double(state.ranks) / 1000))
                    + " per rank"
            }
            add(text, .accent)
        }
        if state.isLive, let beat = state.run.heartbeatAt {
            add("heartbeat " + ChartNumberFormat.duration(max(0, clock() - beat.timeIntervalSince1970)) + " ago")
        }
        grid.put(line, x: rect.x, y: rect.y, clip: rect)
    }

    private func drawTabs(in rect: Rect, visible: [TrainChart], grid: inout CellGrid) {
        guard !rect.isEmpty else { return }
        var x = rect.x
        for chart in TrainChart.allCases {
            let role: StyleRole = chart == options.focusedChart ? .tabActive : visible.contains(chart) ? .accent : .dim
            x += grid.put(" \(chart.rawValue + 1) \(chart.title) ", x: x, y: rect.y, style: Style(role), clip: rect)
        }
        let zoom = options.zoomSteps.map { "last " + ChartNumberFormat.compact(Double($0)) } ?? "all"
        let settings = String(format: "smooth %.2f", options.smoothing) + " · x \(options.xAxis.label) · y \(options.logY ? "log" : "lin") · zoom \(zoom)"
        let start = max(x + 2, rect.maxX - DisplayWidth.of(settings))
        grid.put(settings, x: start, y: rect.y, style: Style(.dim), clip: rect)
    }

    // MARK: Log

    private func drawLog(in rect: Rect, grid: inout CellGrid, glyphs: Glyphs) {
        guard rect.height >= 2, let state = selected else { return }
        let fileLines = showsLogFile ? logTails[state.run.id] : nil
        var title = StyledLine("log ", Style(.title, [.bold]))
        title.append(fileLines != nil ? TrainLog.fileName : "run events", Style(.accent))
        if showsLogFile && fileLines == nil { title.append(" (no \(TrainLog.fileName) in the run directory)", Style(.dim)) }
        title.append("  l switches", Style(.dim))
        grid.put(String(repeating: glyphs.horizontal, count: rect.width), x: rect.x, y: rect.y, style: Style(.border))
        grid.put(title, x: rect.x + 1, y: rect.y, clip: rect)
        let body = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        if let fileLines {
            for (i, text) in fileLines.suffix(body.height).enumerated() {
                grid.put(text, x: body.x, y: body.y + i, style: Style(.dim), clip: body)
            }
            return
        }
        for (i, entry) in TrainLog.entries(for: state, recent: body.height).suffix(body.height).enumerated() {
            var line = StyledLine(TrainLog.clock(entry.time) + " ", Style(.dim))
            line.append(entry.text, Style(entry.role))
            grid.put(line, x: body.x, y: body.y + i, clip: body)
        }
    }
}
