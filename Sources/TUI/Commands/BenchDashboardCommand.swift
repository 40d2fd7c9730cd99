import ArgumentParser
import Foundation
import Sessions

/// `duet bench dashboard`: what the Train screen costs with long runs: a frame with 4 charts of N points
/// each (min/max-per-column downsampling), against drawing every point (the baseline, measured in the
/// same run), plus loading the series from the database and an incremental poll.
struct BenchDashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Measure the training dashboard's redraw with 4 charts of many points each.")

    @Option(help: "Points per series (steps of the run).") var points = 100_000
    @Option(help: "Screen width in cells.") var width = 200
    @Option(help: "Screen height in cells (32: four charts on the page).") var height = 32
    @Option(help: "Frames per measurement.") var frames = 50
    @Option(help: "Terminal type for ncurses output (written to /dev/null).") var term = "xterm-256color"

    func run() throws {
        let home = NSTemporaryDirectory() + "duet-bench-dashboard-\(getpid())"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let paths = DuetPaths.resolve(environment: ["DUET_HOME": home])
        let store = try DuetStore.open(path: paths.database)
        let run = try store.createRun(kind: .pretrain, name: "bench", config: [
            "modelDirectory": "/bench/model", "training": ["steps": .int(points * 2), "clipNorm": 1.0],
        ])
        try store.startRun(id: run.id)
        let insertStart = TUIApp.clock()
        try Self.log(store, runId: run.id, steps: 1...Int64(points))
        let insertSeconds = TUIApp.clock() - insertStart

        let shell = try AppShell(paths: paths, glyphs: .unicode, threads: 1)
        shell.switchTo(.train)
        let train = shell.screen(.train) as! TrainScreen
        let loadStart = TUIApp.clock()
        train.pollNow(context: shell.context)
        let loadMs = (TUIApp.clock() - loadStart) * 1000
        guard let state = train.selected, state.series["loss"]?.count == points else {
            throw ValidationError("the dashboard did not load the run")
        }

        let terminal = try CursesTerminal(offscreen: term, outputPath: "/dev/null", width: width, height: height,
                                          environment: ProcessInfo.processInfo.environment)
        defer { terminal.close() }
        var grid = CellGrid(width: width, height: height)
        shell.draw(into: &grid)
        terminal.present(grid)
        let layout = TrainScreen.layout(in: Rect(x: 0, y: 1, width: width, height: height - 2), runCount: 1)
        let shown = train.chartPage(size: layout.charts.count)

        // The whole screen (list, progress, 4 charts, log) into the cell grid, then also to the terminal.
        let render = TUIBenchCommand.measure(frames) { shell.draw(into: &grid) }
        var smoothing = 0.6
        let renderResmoothed = TUIBenchCommand.measure(max(3, frames / 5)) {
            smoothing = smoothing == 0.6 ? 0.65 : 0.6  // a smoothing key: the EMA of the loss is recomputed
            train.options.smoothing = smoothing
            shell.draw(into: &grid)
        }
        train.options.smoothing = 0.6
        var cells = 0
        let frame = TUIBenchCommand.measure(frames) {
            train.options.logY.toggle()  // every chart changes: the worst case of a live frame
            shell.draw(into: &grid)
            cells = terminal.present(grid).cellsWritten
        }
        train.options.logY = false

        // The charts alone: downsampled vs every point drawn (the baseline).
        let charts = shown.map { TrainChartBuilder.chart($0, runs: [state], options: train.options) }
        let chartRects = layout.charts
        var chartGrid = CellGrid(width: width, height: height)
        let downsampled = TUIBenchCommand.measure(frames) {
            for (chart, rect) in zip(charts, chartRects) { chart.draw(in: rect, grid: &chartGrid, glyphs: .unicode) }
        }
        let layouts = zip(charts, chartRects).compactMap { chart, rect in chart.draw(in: rect, grid: &chartGrid, glyphs: .unicode) }
        let everyPoint = TUIBenchCommand.measure(max(3, frames / 5)) {
            for (chart, layout) in zip(charts, layouts) { Self.drawEveryPoint(chart, layout: layout, grid: &chartGrid) }
        }

        // Polling while the run goes on: 10 new steps written, then read incrementally and merged.
        var next = Int64(points) + 1
        var pollTimes: [Double] = []
        for _ in 0..<max(3, frames / 5) {
            try Self.log(store, runId: run.id, steps: next...(next + 9))
            next += 10
            let t0 = TUIApp.clock()
            train.pollNow(context: shell.context)
            pollTimes.append((TUIApp.clock() - t0) * 1000)
        }
        let poll = pollTimes.sorted()[pollTimes.count / 2]
        let pointsPerFrame = charts.reduce(0) { $0 + $1.series.reduce(0) { $0 + $1.xs.count } }

        print("duet bench dashboard: \(width)x\(height) Train screen, one run of \(points.formatted()) steps, "
              + "\(shown.count) charts on the page (\(shown.map(\.title).joined(separator: ", ")))")
        print("series drawn per frame: \(charts.reduce(0) { $0 + $1.series.count }) with \(pointsPerFrame.formatted()) points "
              + "(loss raw + EMA, clip events, threshold); median of \(frames) frames")
        print(String(format: "  setup: %.1f s to insert %@ metric rows; first load of every series: %.1f ms", insertSeconds,
                     (points * 8).formatted(), loadMs))
        TUIBenchCommand.row("frame: whole screen -> cell grid", render)
        TUIBenchCommand.row("frame after a smoothing change (EMA redone)", renderResmoothed)
        TUIBenchCommand.row("frame: y scale toggled, render + send to ncurses", frame, note: "\(cells) cells sent")
        TUIBenchCommand.row("charts, min/max per dot column", downsampled)
        TUIBenchCommand.row("charts, every point drawn (baseline)", everyPoint,
                            note: "downsampling is \(TUIBenchCommand.ratio(everyPoint, downsampled))")
        TUIBenchCommand.row("poll: 10 new steps read and merged", poll)
        print(String(format: "frame budget at 60 Hz: 16.7 ms; a dashboard frame uses %.1f%% of it", frame / 16.7 * 100))
    }

    /// Logs the metrics `duet train` logs, every step (val_loss too, so every chart has every point).
    static func log(_ store: DuetStore, runId: Int64, steps: ClosedRange<Int64>) throws {
        let origin = Date().timeIntervalSince1970 - Double(steps.upperBound)
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func noise() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 40) / Double(1 << 24)
        }
        var batch: [Metric] = []
        batch.reserveCapacity(8 * 10_000)
        for step in steps {
            let t = Date(timeIntervalSince1970: origin + Double(step) * 0.25)
            let s = Double(step)
            let norm = 0.5 + noise() * 1.2
            let values: [(String, Double)] = [
                ("loss", 2 + 6 * exp(-s / 8000) + noise() * 0.4), ("val_loss", 2.2 + 6 * exp(-s / 8000)),
                ("lr", 3e-4 * (0.55 + 0.45 * cos(Double.pi * s / Double(2 * steps.upperBound)))), ("grad_norm", norm),
                ("clipped", norm > 1 ? 1 : 0), ("tokens_per_second", 5000 + noise() * 500), ("mfu", 0.2 + noise() * 0.02),
                ("val_accuracy", 0.3),
            ]
            for (name, value) in values { batch.append(Metric(runId: runId, step: step, name: name, value: value, wallTime: t)) }
            if batch.count >= 8 * 10_000 {
                try store.insertMetrics(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try store.insertMetrics(batch) }
    }

    /// The baseline: every point of every series mapped to a dot and joined to the previous one, on the
    /// axes `layout` of the downsampled drawing (what drawing costs without reducing series to dot columns).
    static func drawEveryPoint(_ chart: BrailleChart, layout: BrailleChart.Layout, grid: inout CellGrid) {
        var canvas = DotCanvas(width: layout.plot.width, height: layout.plot.height, encoding: .braille)
        let maxX = Double(canvas.dotWidth - 1), maxY = Double(canvas.dotHeight - 1)
        for series in chart.series where series.kind != .rule {
            var previous: (Int, Int)? = nil
            for (x, y) in zip(series.xs, series.ys) {
                guard let fx = layout.x.fraction(x - series.xShift), let fy = layout.y.fraction(y) else { continue }
                let dot = (Int((fx * maxX).rounded()), Int(((1 - fy) * maxY).rounded()))
                if series.kind == .line, let p = previous {
                    canvas.line(from: p.0, p.1, to: dot.0, dot.1, style: series.style)
                } else {
                    canvas.set(x: dot.0, y: dot.1, style: series.style)
                }
                previous = dot
            }
        }
        grid.fill(layout.plot)
        canvas.draw(into: &grid, x: layout.plot.x, y: layout.plot.y)
    }
}
