import DuetCLI
import DuetCore
import Engine
import Foundation
import Sessions
import Tokenizers

extension KeyContext {
    /// Compare-wide actions (mode, blind, views, batch).
    static let compare = KeyContext(rawValue: "compare")
    /// The vote bar after a comparison.
    static let vote = KeyContext(rawValue: "vote")
    /// The list of a finished batch's prompts.
    static let compareBatch = KeyContext(rawValue: "compare-batch")
    /// One prompt of a batch, both answers shown.
    static let comparePair = KeyContext(rawValue: "compare-pair")
}

/// Compare: one prompt, two models (A and B from the Models screen, decoder-only vs encoder-decoder by
/// default), the same seed and sampling; both answers stream side by side with their timings. Blind
/// mode hides the names (and the tell-tale stats) and shuffles the columns until you vote; votes feed
/// a win-rate table. A prompt set file runs as a batch and is summarised; then each prompt's pair of
/// answers can be opened from the batch's list, read with its stats, and voted on.
public final class CompareScreen: Screen, StopsOnQuit {
    public let id = ScreenID.compare
    public var editor = InputEditor(placeholder: "Prompt for both models (Enter runs)")
    let workspace: Workspace
    var mode = CompareMode.sequential
    var blind = false
    var systemPrompt: String?
    var sampling: SamplingParameters?
    /// The comparison on screen: the last one run, or the batch prompt being read.
    private(set) var run: CompareRun?
    enum View {
        case columns, differences, winRates, frontier
        /// A table of stored results rather than the current comparison.
        var isTable: Bool { self == .winRates || self == .frontier }
    }
    var view = View.columns
    var batch: BatchSummary? { didSet { if batch == nil { batchFocus = nil } } }
    private(set) var batchCancelled = false
    /// Where keys go once a batch is over: its prompt list, one prompt's pair, or (nil) the prompt input.
    enum BatchFocus: Equatable { case list, pair(Int) }
    var batchFocus: BatchFocus?
    /// The finished batch's prompts (the selection is the prompt last opened).
    var batchList = ListView()
    var winRates: [WinRate] = []
    var blindWinRates: [WinRate] = []
    /// Bradley-Terry ratings from every stored vote (recomputed with the win rates).
    var ratings: [ModelRating] = []
    /// Accuracy and decode speed of every measured model (the frontier view; loaded when shown).
    var qualityCost = QualityCostTable(evalSet: nil, models: [])
    /// What the last vote was, with the pair's record (shown under the columns).
    var voteMessage: String?
    private var pendingPrompt: String?
    /// The terminal's glyphs (set on each draw).
    var glyphs = Glyphs.unicode

    init(workspace: Workspace) {
        self.workspace = workspace
        workspace.models.onLoad.append { [weak self] _ in self?.startPendingIfReady() }
    }

    var hub: ModelHub { workspace.models }
    var isRunning: Bool { run?.isRunning == true || (batch != nil && batch!.completed < batch!.prompts.count && !batchCancelled) }
    /// The vote bar is up: after a single comparison, or on a batch prompt opened for reading (a batch
    /// does not stop at each prompt to ask).
    var isVoting: Bool { run?.awaitsVote == true && (batch == nil || openedPair != nil) && !skipVote }
    /// The batch prompt whose pair is shown.
    var openedPair: Int? { if case .pair(let index) = batchFocus { return index } else { return nil } }
    /// Every prompt of the batch was compared, or it was stopped and nothing runs any more.
    var batchIsOver: Bool {
        guard let batch else { return false }
        return batch.completed == batch.prompts.count || batchCancelled && run?.isRunning != true
    }

    public var keyContexts: [KeyContext] {
        switch (batchFocus, isVoting) {
        case (.pair?, true): return [.vote, .comparePair, .compare, .view]
        case (_, true): return [.vote, .compare, .view]
        case (.list?, _): return [.compareBatch, .list, .compare, .view]
        case (.pair?, _): return [.comparePair, .compare, .view]
        case (nil, _): return [.editor, .compare, .view]
        }
    }
    public var acceptsText: Bool { batchFocus == nil && !isVoting }
    public var busyReason: String? { isRunning ? "a comparison is running" : nil }
    public var statusModels: [String]? {
        let names = (0..<2).map { hub.compareModel($0)?.name }
        return names.allSatisfy { $0 == nil } ? nil : names.map { $0 ?? "no model" }
    }

    public var actions: [KeyAction] {
        [
            KeyAction("compare.stop", "Stop the comparison (or the batch)", .compare, ["esc"], command: true),
            KeyAction("compare.mode", "Toggle sequential / interleaved generation", .compare, ["alt+i"], command: true),
            KeyAction("compare.blind", "Toggle blind mode (names hidden, sides shuffled until you vote)", .compare, ["alt+h"], command: true),
            KeyAction("compare.differences", "Toggle the differences-only view", .compare, ["alt+c"], command: true),
            KeyAction("compare.win-rates", "Toggle the win-rate table", .compare, ["alt+w"], command: true),
            KeyAction("compare.frontier", "Toggle the quality-efficiency frontier: accuracy against decode time per token",
                      .compare, ["alt+r"], command: true),
            KeyAction("compare.batch", "Run a prompt set file (one prompt per line, or JSONL)", .compare, ["ctrl+o"], command: true),
            KeyAction("compare.settings", "Compare settings: system prompt and sampling", .compare, ["f6", "alt+s"], command: true),
            KeyAction("compare.swap", "Swap models A and B", .compare, ["alt+x"], command: true),
            KeyAction("compare.results", "Browse the batch: each prompt's two answers (Tab again: the prompt input)", .compare, ["tab"],
                      command: true),
            KeyAction("batch.close", "Back to the prompt input", .compareBatch, ["esc", "tab"]),
            KeyAction("pair.back", "Back to the batch's prompt list", .comparePair, ["esc", "tab"]),
            KeyAction("pair.next", "Next prompt of the batch", .comparePair, ["n", "right"]),
            KeyAction("pair.previous", "Previous prompt of the batch", .comparePair, ["p", "left"]),
            KeyAction("vote.left", "Vote: the left answer is better", .vote, ["a"]),
            KeyAction("vote.right", "Vote: the right answer is better", .vote, ["b"]),
            KeyAction("vote.tie", "Vote: a tie", .vote, ["t"]),
            KeyAction("vote.both-bad", "Vote: both are bad", .vote, ["x"]),
            KeyAction("vote.skip", "Skip the vote", .vote, ["esc"]),
        ]
    }

    public func activate(_ context: ScreenContext) {
        for side in 0..<2 { hub.compareModel(side).map { hub.load($0.path) } }
    }

    // MARK: Input

    public func perform(_ action: String, context: ScreenContext) -> ScreenRequest? {
        if let request = performInBatch(action) { return request }
        if let command = EditorCommand(rawValue: action), acceptsText {
            guard command == .submit else { editor.perform(command); return ScreenRequest.none }
            let prompt = editor.text
            guard !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return ScreenRequest.none }
            if let problem = start(prompt) { return .notice(problem) }
            editor.perform(.submit)
            return ScreenRequest.none
        }
        switch action {
        case "vote.left", "vote.right", "vote.tie", "vote.both-bad": return castVote(action)
        case "vote.skip":
            voteMessage = "Vote skipped"
            skipVote = true
        case "compare.stop":
            guard isRunning else { return ScreenRequest.none }
            batchCancelled = batch != nil
            run?.cancel.cancel()
            pendingPrompt = nil
            return .notice(batch != nil ? "Stopping the batch…" : "Stopping…")
        case "compare.mode":
            mode = mode == .sequential ? .interleaved : .sequential
            return .notice(mode == .sequential ? "Sequential: one model after the other (fair timings)"
                                               : "Interleaved: the models take turns token by token")
        case "compare.blind":
            blind.toggle()
            return .notice(blind ? "Blind: names hidden and sides shuffled until you vote" : "Names shown")
        case "compare.differences":
            view = view == .differences ? .columns : .differences
        case "compare.win-rates":
            view = view == .winRates ? .columns : .winRates
            if view == .winRates { reloadWinRates() }
        case "compare.frontier":
            view = view == .frontier ? .columns : .frontier
            if view == .frontier { qualityCost = (try? workspace.store?.qualityAndCost()) ?? QualityCostTable(evalSet: nil, models: []) }
        case "compare.batch": return .overlay(batchForm())
        case "compare.settings": return .overlay(settingsForm())
        case "compare.swap":
            if isRunning { return .notice("A comparison is running — Esc stops it first") }
            if isVoting { return .notice("Vote first (or Esc to skip): the answers are labelled by the current sides") }
            hub.swapCompareSides()
            // The last comparison's columns (and a batch summary) are labelled by the old sides; kept on
            // screen they would call A the model the win rates and the status bar now call B. They stay
            // in the database.
            run = nil
            batch = nil
            voteMessage = nil
            let names = (0..<2).map { hub.compareModel($0)?.displayName ?? "no model" }
            return .notice("Swapped: A is \(names[0]), B is \(names[1])")
        default:
            for side in run?.views.indices ?? 0..<0 { _ = run?.views[side].perform(action) }
            return action.hasPrefix("view.") ? ScreenRequest.none : nil
        }
        return ScreenRequest.none
    }

    /// Set when the user skipped the vote on the current run (the vote bar closes).
    private var skipVote = false

    public func insert(_ text: String, context: ScreenContext) -> ScreenRequest {
        if acceptsText { editor.insert(text) }
        return .none
    }

    /// Shows the pair of answers to the batch's prompt `index` (with its stats, and the vote bar if it
    /// has no vote yet).
    func openPair(_ index: Int) {
        guard let batch, batch.runs.indices.contains(index) else { return }
        batchFocus = .pair(index)
        batchList.selection = index
        run = batch.runs[index]
        skipVote = false
        voteMessage = batch.runs[index].vote.map { "Your vote: " + Self.voteText($0) }
    }

    /// "A better", "tie"...: a stored vote in a few words.
    static func voteText(_ vote: Vote) -> String {
        switch vote {
        case .winner(let position): return position == 0 ? "A better" : "B better"
        case .tie: return "tie"
        case .bothBad: return "both bad"
        }
    }

    // MARK: Running

    /// Why a comparison cannot start now, or nil when it started (or will, once the models load).
    func start(_ prompt: String) -> String? {
        if isRunning { return "A comparison is running — Esc stops it" }
        guard let (a, b) = comparablePair() else { return pairProblem() }
        batch = nil
        startWhenLoaded(prompt, models: [a, b])
        return nil
    }

    /// Compare models A and B when they can be compared (two different models, neither failed to load).
    private func comparablePair() -> (ModelEntry, ModelEntry)? {
        pairProblem() == nil ? (hub.compareModel(0)!, hub.compareModel(1)!) : nil
    }

    /// Why A and B cannot be compared, or nil.
    private func pairProblem() -> String? {
        guard let a = hub.compareModel(0), let b = hub.compareModel(1) else {
            return "Compare needs two models — press F5, then a and b to pick them"
        }
        if a.path == b.path { return "A and B are the same model (\(a.displayName)) — press F5 and pick another for B" }
        for model in [a, b] { if let error = model.loadError { return "\(model.name) failed to load: \(error)" } }
        return nil
    }

    /// Launches `prompt` now, or once both models have loaded (the first comparison after starting
    /// Duet usually waits for them).
    private func startWhenLoaded(_ prompt: String, models: [ModelEntry]) {
        guard models.allSatisfy({ $0.loaded != nil }) else {
            pendingPrompt = prompt
            for model in models { hub.load(model.path) }
            return
        }
        launch(prompt, models: models, labelsHidden: batch == nil && blind)
    }

    private func startPendingIfReady() {
        guard let prompt = pendingPrompt, let a = hub.compareModel(0), let b = hub.compareModel(1) else { return }
        if a.loadError != nil || b.loadError != nil {
            pendingPrompt = nil
            // A batch that never started has nothing to summarise: the columns say which model failed.
            if batch?.completed == 0 { batch = nil }
            return
        }
        guard a.loaded != nil, b.loaded != nil else { return }
        pendingPrompt = nil
        launch(prompt, models: [a, b], labelsHidden: batch == nil && blind)
    }

    /// Starts one comparison of `prompt` on the engine queue.
    private func launch(_ prompt: String, models: [ModelEntry], labelsHidden: Bool) {
        var engineSampling = GenerationSettings.resolve(sampling, model: nil, defaultMaxTokens: workspace.defaultMaxTokens)
        if let seed = sampling?.seed { engineSampling.seed = seed }
        let sides = models.map { CompareSide(modelName: $0.displayName, architecture: $0.architecture ?? .decoderOnly) }
        // `resolve` sets every field, the seed too.
        let current = CompareRun(prompt: prompt, mode: mode, blind: labelsHidden, seed: engineSampling.seed!, sides: sides,
                                 shuffle: labelsHidden, glyphs: glyphs)
        run = current
        skipVote = false
        voteMessage = nil
        if view.isTable { view = .columns }
        var conversation: [ChatMessage] = []
        if let system = systemPrompt, !system.isEmpty { conversation.append(ChatMessage(role: .system, content: system)) }
        conversation.append(ChatMessage(role: .user, content: prompt))
        let contestants = models.map { Contestant(model: $0.loaded!, record: $0.record) }
        let store = workspace.store, events = workspace.events, mode = self.mode, system = systemPrompt
        let turns = conversation, sampling = engineSampling
        weak let screen = self
        workspace.engine.async {
            CompareRunner.run(store: store, contestants: contestants, conversation: turns, systemPrompt: system,
                              sampling: sampling, mode: mode, labelsHidden: labelsHidden, cancel: current.cancel) { event in
                events.post(.perform { _ in screen?.receive(event, for: current) })
            }
        }
    }

    private func receive(_ event: CompareEvent, for target: CompareRun) {
        target.apply(event, now: TUIApp.clock())
        guard case .done = event, batch != nil, target === run else { return }
        batch!.add(target)
        if !batchCancelled, batch!.completed < batch!.prompts.count, let models = currentModels() {
            launch(batch!.prompts[batch!.completed], models: models, labelsHidden: false)
        }
    }

    private func currentModels() -> [ModelEntry]? {
        guard let a = hub.compareModel(0), let b = hub.compareModel(1), a.loaded != nil, b.loaded != nil else { return nil }
        return [a, b]
    }

    /// Runs every prompt of a file, one comparison after another (never blind: no vote is asked
    /// between prompts), and summarises them; starts once both models have loaded.
    func startBatch(path: String) -> String? {
        if isRunning { return "A comparison is running — Esc stops it" }
        let prompts: [String]
        do { prompts = try PromptSet.load(path: path) } catch { return "\(error)" }
        guard let (a, b) = comparablePair() else { return pairProblem() }
        batch = BatchSummary(prompts: prompts, modelNames: [a, b].map(\.displayName))
        batchCancelled = false
        batchFocus = nil
        batchList = ListView()
        view = .columns
        startWhenLoaded(prompts[0], models: [a, b])
        return nil
    }

    /// Records the vote at once on screen (labels revealed) and stores it on the database queue; if it
    /// cannot be stored the vote bar comes back, so the vote can be cast again.
    private func castVote(_ action: String) -> ScreenRequest {
        guard let run, let comparisonId = run.comparisonId, workspace.store != nil else { return .none }
        let vote: Vote
        switch action {
        case "vote.left": vote = .winner(position: run.side(inColumn: 0))
        case "vote.right": vote = .winner(position: run.side(inColumn: 1))
        case "vote.tie": vote = .tie
        default: vote = .bothBad
        }
        let wasBlind = run.labelsHidden
        run.vote = vote
        var text: String
        switch vote {
        case .winner(let position): text = "You preferred \(run.sides[position].modelName) (\(position == 0 ? "A" : "B"))"
        case .tie: text = "A tie"
        case .bothBad: text = "Both bad"
        }
        if wasBlind { text += " — revealed: left was \(run.sides[run.order[0]].modelName)" }
        voteMessage = text
        workspace.write({ try $0.setVote(vote, forComparison: comparisonId) }) { [weak self] result, shell in
            guard let self else { return }
            switch result {
            case .success:
                reloadWinRates()
                if self.run === run, let pair = pairRecord(run) { voteMessage = text + " · " + pair }
            case .failure(let error):
                if self.run === run {
                    run.vote = nil
                    voteMessage = nil
                }
                shell.showNotice("Could not save the vote: \(error)", now: TUIApp.clock())
            }
        }
        return .none
    }

    /// "A 3 – B 1 – ties 0 (75% A) over 4 votes" for the pair of `run`.
    private func pairRecord(_ run: CompareRun) -> String? {
        let ids = [hub.compareModel(0)?.record?.id, hub.compareModel(1)?.record?.id]
        guard let a = ids[0], let b = ids[1], let rate = oriented(winRates).first(where: { $0.modelA.id == a && $0.modelB.id == b }) else { return nil }
        return "record: A \(rate.winsA) – B \(rate.winsB) – ties \(rate.ties) (A \(Int((rate.winRateA * 100).rounded()))%) over \(rate.total) votes"
    }

    /// `rates` with the pair being compared turned so its model A is compare model A, as the column
    /// headers say: the store orders each pair by model id, not by the sides the user picked.
    func oriented(_ rates: [WinRate]) -> [WinRate] {
        guard let a = hub.compareModel(0)?.record?.id, let b = hub.compareModel(1)?.record?.id else { return rates }
        return rates.map { rate in
            guard rate.modelA.id == b, rate.modelB.id == a else { return rate }
            var turned = rate
            (turned.modelA, turned.modelB) = (rate.modelB, rate.modelA)
            (turned.winsA, turned.winsB) = (rate.winsB, rate.winsA)
            return turned
        }
    }

    func reloadWinRates() {
        winRates = (try? workspace.store?.winRates()) ?? []
        blindWinRates = (try? workspace.store?.winRates(blindOnly: true)) ?? []
        // The bootstrap refits the ratings 1000 times: only when the table that shows them is open.
        ratings = view == .winRates ? ModelRatings.from(winRates) : []
    }

    func stopForQuit() {
        batchCancelled = batch != nil
        run?.cancel.cancel()
    }

    /// The compare settings dialog: system prompt and sampling for both sides.
    func settingsForm() -> FormOverlay {
        let fields = [FormOverlay.Field("System prompt", value: systemPrompt ?? "", hint: "none (Alt+Enter: new line)", multiline: true)]
            + SamplingForm.fields(sampling)
        return FormOverlay(title: "Compare settings (both models)", fields: fields) { [weak self] values in
            do {
                let parsed = try SamplingForm.parse(Array(values.dropFirst()))
                let system = values[0].trimmingCharacters(in: .whitespacesAndNewlines)
                self?.sampling = parsed
                self?.systemPrompt = system.isEmpty ? nil : values[0]
                return nil
            } catch {
                return "\(error)"
            }
        }
    }
}
