import Foundation
import Sessions

extension KeyContext {
    /// The new-run form of the Train screen.
    public static let trainForm = KeyContext(rawValue: "train-form")
}

/// The "new run" dialog: the settings `duet train` needs (base model, objective, data, steps, batch,
/// sequence lengths, learning rate, adaptation options), checked before the run starts. Up/Down or
/// Tab / Shift+Tab move between fields, Enter starts the run, Esc cancels. Focus starts on the first
/// field (the name), so what a user types lands where the cursor is shown, in the order they read.
final class TrainLaunchForm: ShellOverlay {
    enum Field: String, CaseIterable {
        case name, model, objective, data, out, steps, batch, seqLen, targetLen, lr, warmup
        case crossAttentionWarmup, distillFrom, evalEvery, checkpointEvery

        var label: String {
            switch self {
            case .name: return "Name"
            case .model: return "Base model"
            case .objective: return "Objective"
            case .data: return "Data"
            case .out: return "Run directory"
            case .steps: return "Steps"
            case .batch: return "Batch rows"
            case .seqLen: return "Sequence length"
            case .targetLen: return "Target length"
            case .lr: return "Learning rate"
            case .warmup: return "Warm-up steps"
            case .crossAttentionWarmup: return "Cross-attn warm-up"
            case .distillFrom: return "Distill from"
            case .evalEvery: return "Evaluate every"
            case .checkpointEvery: return "Checkpoint every"
            }
        }

        var placeholder: String {
            switch self {
            case .name: return "optional"
            case .model: return "model directory (config.json, weights, tokenizer)"
            case .objective: return "clm, prefixlm, ul2 or sft"
            case .data: return ".txt/.jsonl file or directory"
            case .targetLen: return "encoder-decoder decoder length (default: sequence length)"
            case .crossAttentionWarmup: return "steps training only cross-attention (encoder-decoder)"
            case .distillFrom: return "teacher model directory (prefixlm), optional"
            default: return ""
            }
        }
    }

    static let objectives = ["clm", "prefixlm", "ul2", "sft"]

    private(set) var editors: [Field: InputEditor] = [:]
    private(set) var focus = Field.allCases[0]
    private(set) var error: String?
    private var top = 0
    let database: String
    /// Starts the run; returns an error message to show (the form stays open), or nil when it started.
    private let submit: (TrainLaunchRequest) -> String?

    init(defaults: [Field: String], database: String, submit: @escaping (TrainLaunchRequest) -> String?) {
        self.database = database
        self.submit = submit
        for field in Field.allCases {
            var editor = InputEditor(placeholder: field.placeholder)
            editor.prompt = StyledLine()
            if let value = defaults[field] { editor.setText(value) }
            editors[field] = editor
        }
    }

    /// The form's own context comes first: the generic dialog binds Tab to `overlay.next-field` too, and
    /// a user who rebinds `train.form.next` must not have it shadowed by that default.
    var keyContexts: [KeyContext] { [.trainForm, .overlay, .editor] }
    var acceptsText: Bool { true }

    func value(_ field: Field) -> String { (editors[field]?.text ?? "").trimmingCharacters(in: .whitespaces) }

    func perform(_ action: String) -> OverlayResult? {
        switch action {
        case "overlay.close": return .close
        case "overlay.accept":
            switch validated() {
            case .failure(let message):
                error = message.description
            case .success(let request):
                if let failure = submit(request) { error = failure } else { return .close }
            }
        case "train.form.next", "overlay.next-field", EditorCommand.down.rawValue: move(1)
        case "train.form.previous", "overlay.previous-field", EditorCommand.up.rawValue: move(-1)
        default:
            guard let command = EditorCommand(rawValue: action), command != .submit, command != .newline else { return nil }
            _ = editors[focus]?.perform(command)
        }
        return .stay
    }

    func insert(_ text: String) -> OverlayResult {
        editors[focus]?.insert(String(text.map { $0 == "\n" || $0 == "\r\n" ? " " : $0 }))
        error = nil
        return .stay
    }

    /// Focuses `field` (tests; the keys move one field at a time).
    func focus(_ field: Field) { focus = field }

    private func move(_ delta: Int) {
        let all = Field.allCases
        let i = all.firstIndex(of: focus)!
        focus = all[(i + delta + all.count) % all.count]
    }

    /// The request, or the first problem found (naming the field).
    func validated() -> Result<TrainLaunchRequest, TrainLaunchError> {
        func fail(_ field: Field, _ message: String) -> Result<TrainLaunchRequest, TrainLaunchError> {
            focus = field
            return .failure(TrainLaunchError(description: "\(field.label): \(message)"))
        }
        func integer(_ field: Field, minimum: Int) -> Int? {
            guard let n = Int(value(field).replacingOccurrences(of: "_", with: "")), n >= minimum else { return nil }
            return n
        }
        let fm = FileManager.default
        let model = DuetPaths.expandTilde(value(.model))
        guard !model.isEmpty else { return fail(.model, "required") }
        guard fm.fileExists(atPath: model + "/config.json") else { return fail(.model, "\(model) has no config.json") }
        let objective = value(.objective).lowercased()
        guard Self.objectives.contains(objective) else { return fail(.objective, "one of \(Self.objectives.joined(separator: ", "))") }
        let data = DuetPaths.expandTilde(value(.data))
        guard !data.isEmpty else { return fail(.data, "required") }
        guard fm.fileExists(atPath: data) else { return fail(.data, "\(data) does not exist") }
        let out = DuetPaths.expandTilde(value(.out))
        guard !out.isEmpty else { return fail(.out, "required") }
        guard !fm.fileExists(atPath: out + "/run.json") else { return fail(.out, "\(out) already holds a run") }
        guard let steps = integer(.steps, minimum: 1) else { return fail(.steps, "a whole number of at least 1") }
        guard let batch = integer(.batch, minimum: 1) else { return fail(.batch, "a whole number of at least 1") }
        guard let seqLen = integer(.seqLen, minimum: 2) else { return fail(.seqLen, "a whole number of at least 2") }
        var targetLen: Int? = nil
        if !value(.targetLen).isEmpty {
            guard let n = integer(.targetLen, minimum: 1) else { return fail(.targetLen, "a whole number, or empty") }
            targetLen = n
        }
        guard let lr = Double(value(.lr)), lr > 0, lr.isFinite else { return fail(.lr, "a positive number such as 3e-4") }
        guard let warmup = integer(.warmup, minimum: 0) else { return fail(.warmup, "a whole number (0: none)") }
        guard let crossWarmup = integer(.crossAttentionWarmup, minimum: 0) else {
            return fail(.crossAttentionWarmup, "a whole number (0: none)")
        }
        var teacher: String? = nil
        if !value(.distillFrom).isEmpty {
            let path = DuetPaths.expandTilde(value(.distillFrom))
            guard objective == "prefixlm" else { return fail(.distillFrom, "distillation works with the prefixlm objective") }
            guard fm.fileExists(atPath: path + "/config.json") else { return fail(.distillFrom, "\(path) has no config.json") }
            teacher = path
        }
        guard let evalEvery = integer(.evalEvery, minimum: 0) else { return fail(.evalEvery, "a whole number (0: at the end)") }
        guard let checkpointEvery = integer(.checkpointEvery, minimum: 0) else {
            return fail(.checkpointEvery, "a whole number (0: at the end)")
        }
        let name = value(.name)
        return .success(TrainLaunchRequest(
            name: name.isEmpty ? nil : name, model: model, objective: objective, data: data, out: out, steps: steps,
            batch: batch, sequenceLength: seqLen, targetLength: targetLen, learningRate: lr, warmup: warmup,
            crossAttentionWarmup: crossWarmup, distillFrom: teacher, evalEvery: evalEvery,
            checkpointEvery: checkpointEvery, database: database))
    }

    func draw(in screen: Rect, grid: inout CellGrid, context: ScreenContext) {
        let fields = Field.allCases
        let width = min(screen.width - 2, 84)
        let height = min(screen.height, fields.count + 5)
        let inner = Overlay.frame(in: screen, width: width, height: height, title: "New training run", grid: &grid,
                                  glyphs: context.glyphs)
        let rows = max(1, inner.height - 3)
        let index = fields.firstIndex(of: focus)!
        if index < top { top = index }
        if index >= top + rows { top = index - rows + 1 }
        let labelWidth = 20
        for row in 0..<min(rows, fields.count - top) {
            let field = fields[top + row]
            let y = inner.y + row
            let isFocused = field == focus
            grid.put(field.label, x: inner.x, y: y, style: Style(isFocused ? .accent : .dim, isFocused ? [.bold] : []), clip: inner)
            let valueRect = Rect(x: inner.x + labelWidth, y: y, width: inner.width - labelWidth, height: 1)
            editors[field]!.draw(in: valueRect, grid: &grid, focused: isFocused)
        }
        let messageY = inner.maxY - 2
        if let error {
            grid.put(error, x: inner.x, y: messageY, style: Style(.error), clip: inner)
        } else {
            grid.put("Runs detached: it keeps going when Duet quits. Output: RUN_DIR/train.log", x: inner.x, y: messageY,
                     style: Style(.dim), clip: inner)
        }
        let hint = StyledLine([Span("Enter", .statusKey), Span(" start   ", .overlay), Span(context.glyphs.arrowUp + context.glyphs.arrowDown + " Tab", .statusKey),
                               Span(" move   ", .overlay), Span("Esc", .statusKey), Span(" cancel", .overlay)])
        grid.put(hint, x: inner.x, y: inner.maxY - 1, clip: inner)
    }
}
