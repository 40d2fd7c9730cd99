import DuetCore
import Foundation
import Sessions
import Testing
@testable import TUI

/// The Train screen over a real database: runs written as `duet train` writes them, polled the way the
/// background poller does, drawn into a cell grid.
@Suite struct TrainScreenTests {
    final class Fixture {
        let dir = TemporaryDirectory()
        let store: DuetStore
        let screen = TrainScreen()
        let context: ScreenContext

        init() throws {
            store = try DuetStore.open(path: dir.file("duet.sqlite"))
            let paths = DuetPaths(home: dir.path, database: dir.file("duet.sqlite"))
            context = ScreenContext(glyphs: .unicode, keymap: Keymap(), paths: paths, models: [])
        }

        /// A run configured like `duet train`'s (model directory, total steps, clip threshold).
        func makeRun(name: String, steps: Int64 = 100, start: Bool = true, out: String? = nil) throws -> Run {
            let config: JSONValue = ["modelDirectory": "/models/tiny-gemma", "dataPath": "/data/corpus.txt",
                                     "data": ["objective": "clm"], "training": ["steps": .int(Int(steps)), "clipNorm": 1.0]]
            let run = try store.createRun(kind: .pretrain, name: name, config: config, outputDirectory: out)
            return start ? try store.startRun(id: run.id) : run
        }

        /// Logs steps `range` as the trainer does: one row per metric per step, one second apart.
        func log(_ runId: Int64, steps range: ClosedRange<Int64>, origin: Double = 1_700_000_000) throws {
            var metrics: [Metric] = []
            for step in range {
                let time = Date(timeIntervalSince1970: origin + Double(step))
                let values: [String: Double] = [
                    "loss": 5 * exp(-Double(step) / 40) + 1, "lr": 3e-4, "grad_norm": step % 3 == 0 ? 1.5 : 0.7,
                    "clipped": step % 3 == 0 ? 1 : 0, "tokens_per_second": 5000, "mfu": 0.12,
                ]
                for (name, value) in values { metrics.append(Metric(runId: runId, step: step, name: name, value: value, wallTime: time)) }
                if step % 25 == 0 {
                    metrics.append(Metric(runId: runId, step: step, name: "val_loss", value: 2.5, wallTime: time))
                    metrics.append(Metric(runId: runId, step: step, name: "val_accuracy", value: 0.4, wallTime: time))
                }
            }
            try store.insertMetrics(metrics)
        }

        func draw(width: Int = 140, height: Int = 44, glyphs: Glyphs = .unicode) -> CellGrid {
            var grid = CellGrid(width: width, height: height)
            var c = context
            c.glyphs = glyphs
            screen.draw(in: grid.bounds, grid: &grid, context: c)
            return grid
        }
    }

    @Test func emptyDatabaseSaysHowToStartARun() throws {
        let f = try Fixture()
        f.screen.pollNow(context: f.context)
        let text = f.draw().plainText
        #expect(text.contains("No training runs yet."))
        #expect(text.contains("duet train --db \(f.context.paths.database)"))
    }

    @Test func dataParallelRunShowsItsRanksAndTokensPerSecond() throws {
        let f = try Fixture()
        let config: JSONValue = ["modelDirectory": "/models/tiny-gemma", "data": ["objective": "clm"],
                                 "training": ["steps": 100], "ranks": 4]
        let run = try f.store.startRun(id: try f.store.createRun(kind: .pretrain, name: "ddp", config: config, outputDirectory: nil).id)
        try f.log(run.id, steps: 1...10)
        f.screen.pollNow(context: f.context)
        // tokens_per_second is the sum over the ranks (5000 logged): a quarter per rank.
        #expect(f.draw().plainText.contains("4 ranks 5000 tok/s total, 1250 per rank"))
        let alone = try Fixture()
        let single = try alone.makeRun(name: "alone")
        try alone.log(single.id, steps: 1...10)
        alone.screen.pollNow(context: alone.context)
        #expect(!alone.draw().plainText.contains(" ranks "), "one process: no ranks shown")
    }

    @Test func runsAppearAndSeriesGrowIncrementally() throws {
        let f = try Fixture()
        let run = try f.makeRun(name: "live")
        try f.log(run.id, steps: 1...50)
        f.screen.pollNow(context: f.context)
        var text = f.draw().plainText
        #expect(text.contains("running"))
        #expect(text.contains("50/100"))
        #expect(text.contains("tiny-gemma"))
        #expect(text.contains("loss  "))
        #expect(text.contains("clipped 16 of 50"))
        #expect(text.contains("eval @50 val_loss 2.500 acc 40.0%"))
        #expect(text.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })  // braille dots
        // ETA: 1 s/step over 49 intervals, 50 steps left.
        #expect(text.contains("ETA 50s"))

        try f.log(run.id, steps: 51...60)
        f.screen.pollNow(context: f.context)
        let state = try #require(f.screen.state(run.id))
        #expect(state.series["loss"]?.count == 60)  // only the new points were appended
        #expect(state.series["loss"]?.steps == (1...60).map(Double.init))
        #expect(state.clipEvents.count == 20)
        text = f.draw().plainText
        #expect(text.contains("60/100"))
    }

    @Test func liveRunsComeFirstAndStatusChangesAreLogged() throws {
        let f = try Fixture()
        let live = try f.makeRun(name: "older-live")
        let done = try f.makeRun(name: "newer-finished")
        try f.log(done.id, steps: 1...10)
        try f.store.finishRun(id: done.id)
        f.screen.pollNow(context: f.context)
        #expect(f.screen.runs.map(\.run.id) == [live.id, done.id])
        try f.store.setStatus(.paused, forRun: live.id)
        f.screen.pollNow(context: f.context)
        let text = f.draw().plainText
        #expect(text.contains("paused: r resumes"))
        #expect(text.contains("status: paused"))
        #expect(f.screen.perform("train.pause", context: f.context) != nil)
        #expect(f.screen.lastMessage == "Run \(live.id) is paused: cannot pause")
    }

    @Test func controlsPostRequestsFromThePollerQueue() throws {
        let f = try Fixture()
        let run = try f.makeRun(name: "r")
        f.screen.pollNow(context: f.context)
        _ = f.screen.perform("train.pause", context: f.context)
        _ = f.screen.perform("train.checkpoint", context: f.context)
        f.screen.poller?.drain()
        #expect(try f.store.controlRequests(runId: run.id).map(\.action) == [.pause, .checkpoint])
        // Stop asks first; confirming posts the request.
        guard case .overlay(let overlay)? = f.screen.perform("train.stop", context: f.context) else {
            Issue.record("stop did not ask")
            return
        }
        #expect(overlay.insert("y") == .close)
        f.screen.poller?.drain()
        #expect(try f.store.controlRequests(runId: run.id).map(\.action) == [.pause, .checkpoint, .stop])
    }

    @Test func comparedRunsShareAxesWithStableColours() throws {
        let f = try Fixture()
        let a = try f.makeRun(name: "decoder-sft")
        let b = try f.makeRun(name: "encdec-sft")
        try f.log(a.id, steps: 1...40)
        try f.log(b.id, steps: 1...30)
        try f.store.finishRun(id: a.id)
        try f.store.finishRun(id: b.id)
        f.screen.pollNow(context: f.context)
        _ = f.screen.perform("train.mark", context: f.context)
        _ = f.screen.perform("list.down", context: f.context)
        _ = f.screen.perform("train.mark", context: f.context)
        f.screen.pollNow(context: f.context)
        #expect(Set(f.screen.chartRuns.map(\.run.id)) == [a.id, b.id])
        #expect(f.screen.chartRuns.allSatisfy { $0.series["loss"] != nil })
        let grid = f.draw()
        let text = grid.plainText
        #expect(text.contains("comparing #\(b.id) encdec-sft, #\(a.id) decoder-sft"))
        #expect(text.contains("━ #\(a.id) decoder-sft"))
        // Each run's legend entry carries its colour: run 1 -> first palette colour, run 2 -> second.
        #expect(TrainChartBuilder.colors(for: [a.id, b.id]) == [a.id: .series1, b.id: .series2])
        #expect(TrainChartBuilder.colors(for: [7]) == [7: .series1])
        #expect(TrainChartBuilder.colors(for: [1, 7]) == [1: .series1, 7: .series2])
        let legendStyles = Set((0..<grid.width * grid.height).compactMap { i -> StyleRole? in
            let cell = grid.cells[i]
            return cell.text == "━" ? cell.style.role : nil
        })
        #expect(legendStyles.isSuperset(of: [.series1, .series2]))
        _ = f.screen.perform("train.clear-marks", context: f.context)
        #expect(f.screen.chartRuns.count == 1)
    }

    @Test func viewKeysChangeTheCharts() throws {
        let f = try Fixture()
        let run = try f.makeRun(name: "r", steps: 2000)
        try f.log(run.id, steps: 1...1500)
        f.screen.pollNow(context: f.context)
        _ = f.screen.perform("train.smooth-more", context: f.context)
        #expect(f.screen.options.smoothing == 0.65)
        _ = f.screen.perform("train.zoom", context: f.context)
        _ = f.screen.perform("train.zoom", context: f.context)
        #expect(f.screen.options.zoomSteps == 1000)
        let zoomed = TrainChartBuilder.chart(.loss, runs: f.screen.chartRuns, options: f.screen.options)
        #expect(zoomed.series.allSatisfy { $0.xs.first == 501 && $0.xs.last == 1500 })
        _ = f.screen.perform("train.x-axis", context: f.context)
        let byTime = TrainChartBuilder.chart(.loss, runs: f.screen.chartRuns, options: f.screen.options)
        #expect(byTime.xFormat == .duration)
        #expect(byTime.series[0].xs.first! - byTime.series[0].xShift == 500)  // seconds since the first point
        _ = f.screen.perform("train.log-y", context: f.context)
        #expect(TrainChartBuilder.chart(.loss, runs: f.screen.chartRuns, options: f.screen.options).yScale == .log)
        _ = f.screen.perform("train.chart-4", context: f.context)
        #expect(f.screen.options.focusedChart == .gradientNorm)
        let norms = TrainChartBuilder.chart(.gradientNorm, runs: f.screen.chartRuns, options: f.screen.options)
        #expect(norms.series.map(\.kind) == [.line, .points, .rule])
        #expect(norms.series[2].ys.first == 1.0)
    }

    @Test func layoutIsCompactBelowAHundredColumns() {
        let full = TrainScreen.layout(in: Rect(x: 0, y: 0, width: 200, height: 58), runCount: 4)
        #expect(!full.compact)
        #expect(full.charts.count == 6)
        let narrow = TrainScreen.layout(in: Rect(x: 0, y: 0, width: 80, height: 22), runCount: 4)
        #expect(narrow.compact)
        #expect(narrow.charts.count == 1)
        #expect(narrow.list.height == 4)
        let screen = TrainScreen()
        screen.options.focusedChart = .throughput
        #expect(screen.chartPage(size: 1) == [.throughput])
        #expect(screen.chartPage(size: 4) == [.throughput, .mfu])
    }

    @Test func asciiTerminalsGetNoBraille() throws {
        let f = try Fixture()
        let run = try f.makeRun(name: "ascii")
        try f.log(run.id, steps: 1...30)
        f.screen.pollNow(context: f.context)
        let text = f.draw(width: 90, height: 30, glyphs: .ascii).plainText
        #expect(text.contains("30/100"))
        #expect(!text.unicodeScalars.contains { (0x2800...0x28FF).contains($0.value) })
    }

    @Test func logCollectsEvaluationsCheckpointsRequestsAndTheEnd() throws {
        let f = try Fixture()
        let run = try f.makeRun(name: "r")
        try f.log(run.id, steps: 1...25)
        let request = try f.store.postControlRequest(.checkpoint, runId: run.id)
        _ = try f.store.takeControlRequests(runId: run.id)
        try f.store.setNote("saved /runs/r/checkpoints/step-25", forControlRequest: request.id)
        try f.store.recordCheckpoint(runId: run.id, step: 25, path: "/runs/r/checkpoints/step-25",
                                     evalResults: ["val_loss": 2.5])
        try f.store.failRun(id: run.id, error: "out of memory")
        f.screen.pollNow(context: f.context)
        let state = try #require(f.screen.state(run.id))
        let texts = TrainLog.entries(for: state).map(\.text)
        #expect(texts.contains("eval step 25: val_loss 2.500 · accuracy 40.0%"))
        #expect(texts.contains("checkpoint requested"))
        #expect(texts.contains("checkpoint taken by the run: saved /runs/r/checkpoints/step-25"))
        #expect(texts.contains("checkpoint step 25: /runs/r/checkpoints/step-25 · val_loss 2.500"))
        #expect(texts.last == "failed at step 25: out of memory")
        #expect(f.draw().plainText.contains("failed: out of memory"))
    }

    @Test func chatOpensTheLatestCheckpoint() throws {
        let f = try Fixture()
        let out = f.dir.file("run")
        try FileManager.default.createDirectory(atPath: out + "/checkpoints/step-20", withIntermediateDirectories: true)
        let run = try f.makeRun(name: "r", out: out)
        f.screen.pollNow(context: f.context)
        let first = f.screen.perform("train.chat", context: f.context)
        guard case .notice(let missing)? = first else { Issue.record("no notice: \(String(describing: first))"); return }
        #expect(missing == "Run \(run.id) has no checkpoint yet (press c to save one)")
        try "checkpoints/step-20\n".write(toFile: out + "/latest", atomically: true, encoding: .utf8)
        guard case .notice(let incomplete)? = f.screen.perform("train.chat", context: f.context) else { Issue.record("no notice"); return }
        #expect(incomplete.contains("has no trainer_state.json"))
        try "{}".write(toFile: out + "/checkpoints/step-20/trainer_state.json", atomically: true, encoding: .utf8)
        guard case .openChat(let directory)? = f.screen.perform("train.chat", context: f.context) else {
            Issue.record("no chat request")
            return
        }
        #expect(directory == out + "/checkpoints/step-20")
        // The shell hands it to the Chat screen, which checks the directory before loading it (this
        // stand-in checkpoint has no config.json, so it says so).
        let store = try DuetStore.open(path: f.context.paths.database)
        let workspace = Workspace(paths: f.context.paths, store: store, modelDirectories: [],
                                  assetsDirectory: out + "/no-assets", defaultMaxTokens: 8)
        let shell = try AppShell(paths: f.context.paths, glyphs: .unicode, screens: [ChatScreen(workspace: workspace), f.screen],
                                 threads: 1)
        shell.switchTo(.train)
        shell.run("train.chat")
        var grid = CellGrid(width: 220, height: 30)
        shell.draw(into: &grid)
        #expect(shell.active == .chat)
        #expect(grid.plainText.contains("\(out)/checkpoints/step-20 has no config.json"))
    }

    @Test func newRunFormChecksFieldsAndBuildsTheCommand() throws {
        let f = try Fixture()
        let model = f.dir.file("model")
        try FileManager.default.createDirectory(atPath: model, withIntermediateDirectories: true)
        try "{}".write(toFile: model + "/config.json", atomically: true, encoding: .utf8)
        try "some text".write(toFile: f.dir.file("corpus.txt"), atomically: true, encoding: .utf8)
        var launched: [TrainLaunchRequest] = []
        f.screen.launch = { request, _ in launched.append(request); return 4242 }
        let form = f.screen.newRunForm(context: f.context)
        #expect(form.perform("overlay.accept") == .stay)
        #expect(form.error == "Base model: required")
        form.focus(.model)
        _ = form.insert(model)
        form.focus(.data)
        _ = form.insert(f.dir.file("missing.txt"))
        #expect(form.perform("overlay.accept") == .stay)
        #expect(form.error == "Data: \(f.dir.file("missing.txt")) does not exist")
        form.focus(.data)
        _ = form.perform("editor.kill-to-start")
        _ = form.insert(f.dir.file("corpus.txt"))
        form.focus(.objective)
        _ = form.perform("editor.kill-to-start")
        _ = form.insert("prefixlm")
        form.focus(.crossAttentionWarmup)
        _ = form.perform("editor.kill-to-start")
        _ = form.insert("50")
        form.focus(.out)
        _ = form.perform("editor.kill-to-start")
        _ = form.insert(f.dir.file("runs/new"))
        #expect(form.perform("overlay.accept") == .close)
        let request = try #require(launched.first)
        #expect(request.arguments == [
            "train", "--model", model, "--objective", "prefixlm", "--data", f.dir.file("corpus.txt"),
            "--out", f.dir.file("runs/new"), "--steps", "1000", "--batch", "8", "--seq-len", "512", "--lr", "0.0003",
            "--warmup", "0", "--eval-every", "100", "--checkpoint-every", "500", "--db", f.context.paths.database,
            "--warmup-cross-attn", "50",
        ])
        #expect(f.screen.lastMessage == "Started duet train (pid 4242) in \(f.dir.file("runs/new"))")
    }
}
