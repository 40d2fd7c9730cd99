import Engine
import Foundation
import Sessions

extension KeyContext {
    /// The Train screen's own keys.
    public static let train = KeyContext(rawValue: "train")
}

/// Train (F4): the live training dashboard. Lists the runs in the database (live ones first), follows the
/// selected run (or the runs picked for comparison) with charts, progress, ETA, evaluation results and a
/// log, sends pause/resume/stop/checkpoint requests, starts new runs detached from the UI, and opens the
/// Chat screen on a run's latest checkpoint.
///
/// All database work happens on `TrainPoller`'s queue; results arrive through `receive` on the UI thread.
public final class TrainScreen: Screen {
    public let id = ScreenID.train

    /// Runs in display order: live first, then newest first.
    private(set) var runs: [TrainRunState] = []
    private(set) var states: [Int64: TrainRunState] = [:]
    var list = ListView()
    /// Runs picked for comparison, in the order they were picked.
    private(set) var marked: [Int64] = []
    var options = TrainViewOptions()
    /// Whether the log pane shows the run's `train.log` instead of its events.
    var showsLogFile = false { didSet { updateWatch() } }
    /// The last lines of `train.log` per run, as the poller last read them (nil: no such file).
    private(set) var logTails: [Int64: [String]] = [:]
    private(set) var hasPolled = false
    private(set) var databaseError: String?
    /// The last message shown (also sent to the status bar when connected).
    private(set) var lastMessage: String?
    private(set) var poller: TrainPoller?
    private var events: UIEventQueue?
    /// A run started from the form, selected as soon as it appears.
    private var pendingRunDirectory: String?
    /// Starts `duet train` (tests replace it).
    var launch: (TrainLaunchRequest, @escaping (Int32) -> Void) throws -> pid_t = { request, onExit in
        try TrainLauncher.launch(request, onExit: onExit)
    }
    var clock: () -> Double = { Date().timeIntervalSince1970 }

    public init() {}

    /// Lets the screen poll in the background and post what it reads to the UI thread through `events`.
    public func connect(events: UIEventQueue) { self.events = events }

    public var keyContexts: [KeyContext] { [.train, .list] }
    public var acceptsText: Bool { false }

    public var actions: [KeyAction] {
        [
            KeyAction("train.pause", "Pause the selected run", .train, ["p"], command: true),
            KeyAction("train.resume", "Resume the selected run", .train, ["r"], command: true),
            KeyAction("train.stop", "Stop the selected run (asks first)", .train, ["S"], command: true),
            KeyAction("train.checkpoint", "Save a checkpoint of the selected run now", .train, ["c"], command: true),
            KeyAction("train.new", "Start a new training run", .train, ["n"], command: true),
            KeyAction("train.chat", "Chat with the latest checkpoint of the selected run", .train, ["t"], command: true),
            KeyAction("train.mark", "Add or remove the selected run from the comparison", .train, ["space"], command: true),
            KeyAction("train.clear-marks", "Clear the comparison (show the selected run)", .train, ["u"], command: true),
            KeyAction("train.smooth-more", "More loss smoothing", .train, ["]"], command: true),
            KeyAction("train.smooth-less", "Less loss smoothing", .train, ["["], command: true),
            KeyAction("train.x-axis", "X axis: step, elapsed time or wall clock", .train, ["x"], command: true),
            KeyAction("train.log-y", "Logarithmic y axis on or off", .train, ["y"], command: true),
            KeyAction("train.zoom", "Zoom: whole run, last 10k, 1k or 100 steps", .train, ["z"], command: true),
            KeyAction("train.next-chart", "Next chart", .train, ["tab", "right"]),
            KeyAction("train.previous-chart", "Previous chart", .train, ["shift+tab", "left"]),
            KeyAction("train.log-source", "Log: run events or the run's train.log", .train, ["l"], command: true),
            KeyAction("train.form.next", "Next field", .trainForm, ["tab"]),
            KeyAction("train.form.previous", "Previous field", .trainForm, ["shift+tab"]),
        ] + TrainChart.allCases.map { chart in
            KeyAction("train.chart-\(chart.rawValue + 1)", "Show the \(chart.title) chart", .train, ["\(chart.rawValue + 1)"])
        }
    }

    public func activate(_ context: ScreenContext) {
        if poller == nil || poller?.databasePath != context.paths.database {
            poller?.stop()
            let events = self.events
            let poller = TrainPoller(databasePath: context.paths.database) { message in
                events?.post(.toScreen(.train, message))
            }
            self.poller = poller
            if events != nil { poller.start() }
        }
        updateWatch()
    }

    /// Reads the database now on the calling thread and applies the result, twice when the first poll
    /// changed which runs are followed (tests and benchmarks; the running app polls in the background).
    func pollNow(context: ScreenContext) {
        if poller == nil { activate(context) }
        guard let poller else { return }
        let followed = followedRuns
        _ = receive(TrainPollerMessage.poll(poller.pollNow()), context: context)
        if followedRuns != followed { _ = receive(TrainPollerMessage.poll(poller.pollNow()), context: context) }
    }

    // MARK: State

    var selected: TrainRunState? { runs.isEmpty ? nil : runs[min(list.selection, runs.count - 1)] }

    /// The runs the charts show: the compared ones, else the selected one.
    var chartRuns: [TrainRunState] {
        if !marked.isEmpty { return marked.compactMap { states[$0] } }
        return selected.map { [$0] } ?? []
    }

    func state(_ id: Int64) -> TrainRunState? { states[id] }

    /// The runs whose series the charts need.
    var followedRuns: Set<Int64> { Set(marked + (selected.map { [$0.run.id] } ?? [])) }

    private func updateWatch() {
        poller?.watch(followedRuns)
        poller?.showLogFile(of: showsLogFile ? Set(selected.map { [$0.run.id] } ?? []) : [])
    }

    public func receive(_ payload: Any, context: ScreenContext) -> ScreenRequest {
        guard let message = payload as? TrainPollerMessage else { return .none }
        switch message {
        case .poll(let result): apply(result)
        case let .control(action, runId, error):
            if let error { return notify("Run \(runId): cannot \(action.rawValue): \(error)") }
            let verb = action == .checkpoint ? "save a checkpoint" : action.rawValue
            return notify("Asked run \(runId) to \(verb)")
        }
        return .none
    }

    private func apply(_ result: TrainPollResult) {
        hasPolled = true
        databaseError = result.error
        guard result.error == nil else { return }
        let now = clock()
        let previousSelection = selected?.run.id
        var seen = Set<Int64>()
        for run in result.runs {
            seen.insert(run.id)
            if let state = states[run.id] { state.update(run: run, now: now) } else { states[run.id] = TrainRunState(run: run, now: now) }
        }
        for id in Array(states.keys) where !seen.contains(id) { states[id] = nil }
        marked.removeAll { !seen.contains($0) }
        for (id, latest) in result.latest { states[id]?.update(latest: latest) }
        for (id, delta) in result.deltas { states[id]?.apply(delta) }
        logTails = result.logTails
        let live = result.runs.filter { states[$0.id]!.isLive }, ended = result.runs.filter { !states[$0.id]!.isLive }
        runs = (live + ended).map { states[$0.id]! }
        var selection = previousSelection
        if let pending = pendingRunDirectory, let run = result.runs.first(where: { $0.outputDirectory == pending }) {
            selection = run.id
            pendingRunDirectory = nil
        }
        if let selection, let index = runs.firstIndex(where: { $0.run.id == selection }) { list.selection = index }
        if selected?.run.id != previousSelection { updateWatch() }
    }

    private func notify(_ text: String) -> ScreenRequest {
        lastMessage = text
        return .notice(text)
    }

    // MARK: Actions

    public func perform(_ action: String, context: ScreenContext) -> ScreenRequest? {
        switch action {
        case "list.up": moveSelection(-1)
        case "list.down": moveSelection(1)
        case "list.page-up": list.pageUp(count: runs.count); updateWatch()
        case "list.page-down": list.pageDown(count: runs.count); updateWatch()
        case "train.pause": return control(.pause)
        case "train.resume": return control(.resume)
        case "train.checkpoint": return control(.checkpoint)
        case "train.stop": return confirmStop()
        case "train.new": return .overlay(newRunForm(context: context))
        case "train.chat": return chatWithLatestCheckpoint()
        case "train.mark": toggleMark()
        case "train.clear-marks":
            marked = []
            updateWatch()
        case "train.smooth-more": options.adjustSmoothing(by: 0.05)
        case "train.smooth-less": options.adjustSmoothing(by: -0.05)
        case "train.x-axis":
            let all = TrainXAxis.allCases
            options.xAxis = all[(all.firstIndex(of: options.xAxis)! + 1) % all.count]
        case "train.log-y": options.logY.toggle()
        case "train.zoom": options.cycleZoom()
        case "train.next-chart": options.focusedChart = TrainChart(rawValue: (options.focusedChart.rawValue + 1) % 6)!
        case "train.previous-chart": options.focusedChart = TrainChart(rawValue: (options.focusedChart.rawValue + 5) % 6)!
        case "train.log-source": showsLogFile.toggle()
        default:
            guard action.hasPrefix("train.chart-"), let n = Int(action.dropFirst("train.chart-".count)),
                  let chart = TrainChart(rawValue: n - 1) else { return nil }
            options.focusedChart = chart
        }
        return ScreenRequest.none
    }

    public func insert(_ text: String, context: ScreenContext) -> ScreenRequest { .none }

    private func moveSelection(_ delta: Int) {
        list.move(by: delta, count: runs.count)
        updateWatch()
    }

    private func toggleMark() {
        guard let id = selected?.run.id else { return }
        if let i = marked.firstIndex(of: id) { marked.remove(at: i) } else { marked.append(id) }
        updateWatch()
    }

    private func control(_ action: ControlAction) -> ScreenRequest {
        guard let state = selected else { return notify("No run selected") }
        let status = state.run.status
        let allowed: Bool
        switch action {
        case .pause: allowed = status == .running
        case .resume: allowed = status == .paused
        case .checkpoint, .stop: allowed = status == .running || status == .paused
        }
        guard allowed else { return notify("Run \(state.run.id) is \(status.rawValue): cannot \(action.rawValue)") }
        poller?.post(action, runId: state.run.id)
        return notify("Sending \(action.rawValue) to run \(state.run.id)…")
    }

    private func confirmStop() -> ScreenRequest {
        guard let state = selected else { return notify("No run selected") }
        guard !state.run.status.isFinal, state.run.status != .lost else {
            return notify("Run \(state.run.id) is \(state.run.status.rawValue)")
        }
        let id = state.run.id
        return .overlay(TrainConfirmOverlay(
            title: "Stop run \(id)?",
            message: "The run saves a checkpoint and ends; `duet train --resume --out \(state.run.outputDirectory ?? "RUN_DIR")` continues it.",
            onConfirm: { [weak self] in self?.poller?.post(.stop, runId: id) }))
    }

    private func chatWithLatestCheckpoint() -> ScreenRequest {
        guard let state = selected else { return notify("No run selected") }
        var directory: String? = nil
        if let out = state.run.outputDirectory {
            do {
                directory = try TrainingCheckpoint.latest(in: URL(fileURLWithPath: out))?.path
            } catch {
                return notify("Run \(state.run.id): \(error)")
            }
        }
        if directory == nil, let record = state.checkpoints.last, FileManager.default.fileExists(atPath: record.path) {
            directory = record.path
        }
        guard let directory else {
            return notify("Run \(state.run.id) has no checkpoint yet" + (state.isLive ? " (press c to save one)" : ""))
        }
        return .openChat(modelDirectory: directory)
    }

    /// The new-run form, filled in from the selected run so a similar run is one Enter away.
    func newRunForm(context: ScreenContext) -> TrainLaunchForm {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        var defaults: [TrainLaunchForm.Field: String] = [
            .objective: "clm", .out: context.paths.home + "/runs/run-" + formatter.string(from: Date()),
            .steps: "1000", .batch: "8", .seqLen: "512", .lr: "3e-4", .warmup: "0", .crossAttentionWarmup: "0",
            .evalEvery: "100", .checkpointEvery: "500",
        ]
        if let config = selected?.run.config {
            if case .string(let model)? = config["modelDirectory"] { defaults[.model] = model }
            if case .string(let data)? = config["dataPath"] { defaults[.data] = data }
            if case .string(let objective)? = config["data"]?["objective"] { defaults[.objective] = objective }
        }
        let events = self.events
        return TrainLaunchForm(defaults: defaults, database: context.paths.database) { [weak self] request in
            guard let self else { return "the Train screen is gone" }
            do {
                let pid = try self.launch(request) { code in
                    guard code != 0 else { return }
                    events?.post(.notice("duet train (\(request.out)) exited with status \(code); see its train.log"))
                }
                self.pendingRunDirectory = request.out
                self.lastMessage = "Started duet train (pid \(pid)) in \(request.out)"
                events?.post(.notice(self.lastMessage!))
                return nil
            } catch {
                return "\(error)"
            }
        }
    }
}
