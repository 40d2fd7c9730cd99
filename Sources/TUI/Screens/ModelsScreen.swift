import DuetCLI
import Engine
import Foundation

extension KeyContext {
    /// The Models screen's list.
    static let models = KeyContext(rawValue: "models")
}

/// Models: every model found in `--model` directories, `assets/models`, `$DUET_HOME/models` or added
/// by path, with what `duet inspect` says about it. Enter picks the chat model, `a` / `b` the compare
/// pair; the pick loads in the background (its state shows in the list), and a model that cannot be
/// read or loaded says why. Paths added with `i` are stored in the database (listed after a restart
/// and by `duet models`, shown as missing when the directory is gone); `d` takes one off the list.
public final class ModelsScreen: Screen {
    public let id = ScreenID.models
    let workspace: Workspace
    private var list = ListView()

    init(workspace: Workspace) {
        self.workspace = workspace
    }

    var hub: ModelHub { workspace.models }

    public var keyContexts: [KeyContext] { [.models, .list] }
    public var acceptsText: Bool { false }
    public var statusModels: [String]? { hub.chatModel.map { [$0.displayName] } }

    public var actions: [KeyAction] {
        [
            KeyAction("models.chat", "Chat with the selected model", .models, ["enter"]),
            KeyAction("models.compare-a", "Compare: use as model A", .models, ["a"]),
            KeyAction("models.compare-b", "Compare: use as model B", .models, ["b"]),
            KeyAction("models.load", "Load the selected model now", .models, ["l"]),
            KeyAction("models.int8", "Hold the selected model's weights as int8 (or as stored)", .models, ["q"]),
            KeyAction("models.add", "Add a model directory by path (remembered)", .models, ["i", "ctrl+a"], command: true),
            KeyAction("models.remove", "Remove the selected added path from the list (files stay)", .models, ["d", "delete"], command: true),
            KeyAction("models.rescan", "Look for models again", .models, ["ctrl+r"], command: true),
        ]
    }

    public func activate(_ context: ScreenContext) { rescan() }

    /// Looks for models again (on showing the screen, and on Ctrl+R).
    func rescan() { hub.rescan() }

    var selected: ModelEntry? { hub.entries.indices.contains(list.selection) ? hub.entries[list.selection] : nil }

    public func perform(_ action: String, context: ScreenContext) -> ScreenRequest? {
        let count = hub.entries.count
        switch action {
        case "list.up": list.move(by: -1, count: count)
        case "list.down": list.move(by: 1, count: count)
        case "list.page-up": list.pageUp(count: count)
        case "list.page-down": list.pageDown(count: count)
        case "models.rescan":
            rescan()
            return .notice("Found \(hub.entries.count) model\(hub.entries.count == 1 ? "" : "s")")
        case "models.add": return .overlay(addForm())
        case "models.remove": return removeSelected()
        case "models.int8":
            guard let entry = selected else { return .notice("No model to pick") }
            if case .failure(let error) = entry.facts { return .notice("\(entry.name) cannot be used: \(error)") }
            let next: WeightQuantization? = entry.quantization == nil ? .int8 : nil
            let wasLoaded = entry.loaded != nil
            hub.setQuantization(next, for: entry.path)
            let how = next == nil ? "as stored (\((try? entry.facts.get().dtype) ?? "file dtype"))" : "as int8 (about half the memory traffic per token)"
            return .notice("\(entry.displayName): weights held \(how)" + (wasLoaded ? ", loading again" : ""))
        case "models.chat", "models.compare-a", "models.compare-b", "models.load":
            guard let entry = selected else { return .notice("No model to pick") }
            if case .failure(let error) = entry.facts { return .notice("\(entry.name) cannot be used: \(error)") }
            switch action {
            case "models.chat":
                hub.selectForChat(entry.path)
                return .notice("Chat model: \(entry.displayName)")
            case "models.compare-a", "models.compare-b":
                let side = action == "models.compare-a" ? 0 : 1
                let (this, other) = side == 0 ? ("A", "B") : ("B", "A")
                // A model against itself gives the same answer twice and its votes count for nothing
                // in the win rates (pairs of one model are skipped), so the pick is refused, saying why.
                if hub.comparePaths[1 - side] == entry.path {
                    return .notice("\(entry.displayName) is already compare \(other): pick a different model for \(this)")
                }
                hub.selectForCompare(side: side, entry.path)
                return .notice("Compare \(this): \(entry.displayName)")
            default:
                hub.load(entry.path)
            }
        default: return nil
        }
        return ScreenRequest.none
    }

    public func insert(_ text: String, context: ScreenContext) -> ScreenRequest { .none }

    private func addForm() -> FormOverlay {
        FormOverlay(title: "Add a model directory", fields: [
            FormOverlay.Field("Directory", hint: "a folder with config.json and *.safetensors"),
        ]) { [weak self] values in
            let path = values[0].trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else { return "Type the path of a model directory" }
            guard let self else { return nil }
            if let problem = hub.add(directory: path) { return problem }
            let added = ModelDiscovery.absolute(path)
            if let index = hub.entries.firstIndex(where: { $0.path == added }) { list.selection = index }
            // Stored on the database queue (a training run may hold the lock); the model is listed at once.
            workspace.write({ try $0.addModelDirectory(added) }) { result, shell in
                if case .failure(let error) = result {
                    shell.showNotice("\(added) is listed until Duet quits: it could not be saved: \(error)", now: TUIApp.clock())
                }
            }
            return nil
        }
    }

    /// Takes the selected model off the list if it was added by path (and forgets it in the database).
    /// Models found in a folder come back on the next scan, so they are not removable; nor is a model
    /// in use, which the chat or compare screen would lose under it.
    private func removeSelected() -> ScreenRequest {
        guard let entry = selected else { return .notice("No model to remove") }
        guard entry.location.source == .added else {
            return .notice("\(entry.name) is found in \(entry.location.source.rawValue), not added by path: move its folder to remove it")
        }
        if hub.chatPath == entry.path || hub.comparePaths.contains(entry.path) {
            return .notice("\(entry.name) is in use (chat or compare): pick another model first")
        }
        let path = entry.path
        if let problem = hub.remove(directory: path) { return .notice(problem) }
        workspace.write({ try $0.removeModelDirectory(path) }) { result, shell in
            if case .failure(let error) = result {
                shell.showNotice("Removed for now, but it could not be forgotten in the database: \(error)", now: TUIApp.clock())
            }
        }
        return .notice("Removed \(path) from the list (its files stay)")
    }

    // MARK: Drawing

    public func draw(in rect: Rect, grid: inout CellGrid, context: ScreenContext) {
        let (header, body) = rect.splitTop(1)
        var title = StyledLine(" Models ", Style(.title, [.bold]))
        title.append(context.paths.models, Style(.dim))
        grid.put(title, x: header.x, y: header.y, clip: header)
        let hints = StyledLine("Enter chat · a/b compare A/B · q int8 · i add path · d remove · \(context.key("models.rescan", in: [.models]) ?? "Ctrl+R") rescan ", Style(.dim))
        if title.width + hints.width + 2 <= header.width { grid.put(hints, x: header.maxX - hints.width, y: header.y, clip: header) }
        guard !hub.entries.isEmpty else {
            let exists = FileManager.default.fileExists(atPath: context.paths.models)
            drawCenteredMessage([
                StyledLine(exists ? "No models yet." : "The models folder does not exist yet.", Style(.title, [.bold])),
                StyledLine(),
                StyledLine("Put a Hugging Face model folder (config.json + *.safetensors) in \(context.paths.models), start duet with --model DIR, or press i to add a path. `duet models demo` makes a tiny random pair to try the UI.", Style(.dim)),
            ], in: body, grid: &grid)
            return
        }
        let detailHeight = min(max(0, body.height - 4), max(6, body.height / 2))
        let (listArea, details) = body.splitBottom(detailHeight)
        let (columns, rows) = listArea.splitTop(1)
        let wide = rows.width >= 90  // narrow terminals: name, architecture and state (the rest is below)
        let nameWidth = wide ? 30 : max(10, rows.width - 30)
        var heading = "   " + "MODEL".padding(to: nameWidth) + "ARCH".padding(to: 14)
        if wide { heading += "PARAMS".padding(to: 9) + "LAYERS".padding(to: 8) + "DTYPE".padding(to: 7) + "VOCAB".padding(to: 8) }
        grid.put(StyledLine(heading + "STATE", Style(.dim, [.bold])), x: columns.x, y: columns.y, clip: columns)
        list.draw(hub.entries.map { row($0, nameWidth: nameWidth, wide: wide) }, in: rows, grid: &grid)
        drawDetails(in: details, grid: &grid, context: context)
    }

    private func row(_ entry: ModelEntry, nameWidth: Int, wide: Bool) -> StyledLine {
        var marks = ""
        marks += hub.chatPath == entry.path ? "C" : " "
        marks += hub.comparePaths[0] == entry.path ? "A" : (hub.comparePaths[1] == entry.path ? "B" : " ")
        var line = StyledLine(marks + " ", Style(.accent, [.bold]))
        line.append(DisplayWidth.truncate(entry.name, to: nameWidth - 1).padding(to: nameWidth))
        switch entry.facts {
        case .success(let f):
            line.append(f.shortArchitecture.padding(to: 14), Style(.accent))
            if wide {
                line.append(ModelFacts.shortCount(f.parameters).padding(to: 9) + f.layers.padding(to: 8)
                            + (entry.quantization == .int8 ? "int8" : f.dtype).padding(to: 7)
                            + "\(f.vocabularySize)".padding(to: 8))
            }
            switch entry.state {
            case .notLoaded: line.append("not loaded", Style(.dim))
            case .loading: line.append("loading…", Style(.warning))
            case .ready: line.append("loaded", Style(.success))
            case .failed: line.append("load failed", Style(.error))
            }
            if !wide && entry.quantization == .int8 { line.append(" int8", Style(.accent)) }
            if f.isRandom { line.append(wide ? "  random weights" : " random", Style(.warning)) }
            if f.problem != nil { line.append("  invalid weights", Style(.error)) }
        case .failure where entry.isMissing:
            line.append("missing: no model at this path any more (d removes it)", Style(.error))
        case .failure:
            line.append("cannot read this model (see below)", Style(.error))
        }
        return line
    }

    private func drawDetails(in rect: Rect, grid: inout CellGrid, context: ScreenContext) {
        guard !rect.isEmpty, let entry = selected else { return }
        grid.put(String(repeating: context.glyphs.horizontal, count: rect.width), x: rect.x, y: rect.y, style: Style(.border))
        var lines: [StyledLine] = [StyledLine([Span(" \(entry.name) ", .title, [.bold]), Span("found in \(entry.location.source.rawValue): \(entry.path)", .dim)])]
        switch entry.facts {
        case .success(let f): lines += f.inspectLines.map { StyledLine(" " + $0) }
        case .failure(let error): lines.append(StyledLine(" " + error.description, Style(.error)))
        }
        if let error = entry.loadError { lines.append(StyledLine(" load failed: " + error, Style(.error))) }
        if entry.quantization == .int8 {
            lines.append(StyledLine(" weights held as int8 in memory (quantized at load; q: as stored)", Style(.accent)))
        }
        if let record = entry.record { lines.append(StyledLine(" database: model \(record.id), \(record.contentHash)", Style(.dim))) }
        let wrapper = TextWrapper()
        let wrapped = lines.flatMap { wrapper.wrap($0, width: max(1, rect.width - 1)) }
        for (i, line) in wrapped.prefix(rect.height - 1).enumerated() {
            grid.put(line, x: rect.x, y: rect.y + 1 + i, clip: rect)
        }
    }
}
