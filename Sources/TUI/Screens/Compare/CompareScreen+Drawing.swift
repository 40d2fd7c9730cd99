import DuetCLI
import Engine
import Foundation
import Sessions

/// Drawing of the compare screen: the settings line, the two columns (or the differences, the win
/// rates, a batch summary), the vote bar and the prompt input.
extension CompareScreen {
    public func draw(in rect: Rect, grid: inout CellGrid, context: ScreenContext) {
        glyphs = context.glyphs
        let editorHeight = editor.preferredHeight(width: rect.width, maxHeight: max(1, rect.height / 4))
        var (top, editorRect) = rect.splitBottom(editorHeight)
        let (settingsRow, rest) = top.splitTop(1)
        drawSettings(in: settingsRow, grid: &grid, context: context)
        var (area, separator) = rest.splitBottom(1)
        grid.put(String(repeating: context.glyphs.horizontal, count: separator.width), x: separator.x, y: separator.y, style: Style(.border))
        if let message = barMessage() {
            let (upper, bar) = area.splitBottom(1)
            grid.fill(bar, with: Cell(" ", Style(.statusBar)))
            grid.put(message, x: bar.x + 1, y: bar.y, clip: bar)
            area = upper
        }
        if let batch, batchIsOver, let index = openedPair, !view.isTable {
            // One prompt of the batch: which one it was above its two answers.
            let header = pairHeader(batch, index: index, width: area.width, context: context)
            let (headerRows, below) = area.splitTop(min(header.count, max(0, area.height - 4)))
            for (i, line) in header.prefix(headerRows.height).enumerated() {
                grid.put(line, x: headerRows.x, y: headerRows.y + i, clip: headerRows)
            }
            area = below
        } else if let batch, batch.completed < batch.prompts.count || view == .columns {
            let (progressRow, below) = area.splitTop(1)
            drawBatchProgress(batch, in: progressRow, grid: &grid, context: context)
            area = below
            if batchIsOver {
                drawBatchSummary(batch, in: area, grid: &grid, context: context)
                editor.draw(in: editorRect, grid: &grid, focused: acceptsText)
                return
            }
        }
        switch view {
        case .winRates: drawWinRates(in: area, grid: &grid, context: context)
        case .frontier:
            for (i, line) in FrontierView.lines(qualityCost, width: area.width, height: area.height).prefix(area.height).enumerated() {
                grid.put(line, x: area.x, y: area.y + i, clip: area)
            }
        case .differences, .columns: drawColumns(in: area, grid: &grid, context: context)
        }
        editorRect = editorRect.intersection(rect)
        editor.draw(in: editorRect, grid: &grid, focused: acceptsText)
    }

    private func drawSettings(in row: Rect, grid: inout CellGrid, context: ScreenContext) {
        var line = StyledLine(" ")
        line.append(mode == .sequential ? "sequential" : "interleaved", Style(.accent, [.bold]))
        if let run, run.mode != mode { line.append(" (shown: \(run.mode.rawValue))", Style(.dim)) }
        line.append(" · ", Style(.dim))
        line.append(blind ? "blind" : "names shown", Style(blind ? .warning : .dim, blind ? [.bold] : []))
        line.append(" · ", Style(.dim))
        let temperature = sampling?.temperature ?? 0
        line.append(temperature == 0 ? "greedy" : String(format: "temperature %g", temperature), Style(.dim))
        line.append(" · seed " + (run.map { "\($0.seed)" } ?? sampling?.seed.map(String.init) ?? "random"), Style(.dim))
        if view == .differences { line.append(" · differences only", Style(.accent)) }
        let keys = [("compare.mode", "mode"), ("compare.blind", "blind"), ("compare.differences", "diff"),
                    ("compare.win-rates", "wins"), ("compare.frontier", "frontier"), ("compare.batch", "batch")]
        var hints = StyledLine()
        for (action, label) in keys {
            guard let key = context.key(action, in: [.compare]) else { continue }
            hints.append(" " + key, Style(.statusKey))
            hints.append(" " + label, Style(.dim))
        }
        grid.put(line, x: row.x, y: row.y, clip: row)
        if line.width + hints.width + 1 <= row.width { grid.put(hints, x: row.maxX - hints.width - 1, y: row.y, clip: row) }
    }

    private func barMessage() -> StyledLine? {
        if isVoting {
            return StyledLine([Span("Which answer is better? ", .statusBar, [.bold]), Span("a", .statusKey), Span(" left  ", .statusBar),
                               Span("b", .statusKey), Span(" right  ", .statusBar), Span("t", .statusKey), Span(" tie  ", .statusBar),
                               Span("x", .statusKey), Span(" both bad  ", .statusBar), Span("Esc", .statusKey), Span(" skip", .statusBar)])
        }
        if let voteMessage { return StyledLine(voteMessage, Style(.statusBar)) }
        return nil
    }

    private func drawColumns(in area: Rect, grid: inout CellGrid, context: ScreenContext) {
        let (left, rest) = area.splitLeft((area.width - 1) / 2)
        let (divider, right) = rest.splitLeft(1)
        for y in divider.y..<divider.maxY { grid.put(context.glyphs.vertical, x: divider.x, y: y, style: Style(.border)) }
        for (column, pane) in [left, right].enumerated() {
            let (header, body) = pane.splitTop(1)
            guard let run else {
                let model = hub.compareModel(column)
                var title = StyledLine(" \(column == 0 ? "A" : "B") ", Style(.title, [.bold]))
                title.append(model.map { "\($0.displayName) · \($0.architecture.map(Self.architectureName) ?? "unreadable")" } ?? "no model",
                             Style(model == nil ? .dim : .normal))
                grid.put(title, x: header.x, y: header.y, clip: header)
                let hint = model == nil ? "No model — press \(context.key("screen.models") ?? "F5"), then \(column == 0 ? "a" : "b")."
                    : model!.isLoading ? "Loading…" : model!.loadError.map { "Failed to load: \($0)" } ?? "Type a prompt below."
                drawCenteredMessage([StyledLine(hint, Style(model?.loadError == nil ? .dim : .error))], in: body, grid: &grid)
                continue
            }
            let sideIndex = run.side(inColumn: column)
            var title = StyledLine(" \(run.label(column: column)) ", Style(.title, [.bold]))
            if run.labelsHidden {
                title.append("model hidden until you vote", Style(.dim, [.italic]))
            } else {
                let side = run.sides[sideIndex]
                title.append("\(side.modelName) · \(Self.architectureName(side.architecture))")
            }
            grid.put(title, x: header.x, y: header.y, clip: header)
            let statsLines = self.statsLines(run, side: sideIndex, width: body.width, compact: area.height < 12)
            let (textArea, statsArea) = body.splitBottom(min(statsLines.count, max(0, body.height - 1)))
            if view == .differences, let diff = run.diff {
                var content = WrappedText(Self.differenceLines(diff, side: sideIndex))
                var view = TextView(followingTail: false)
                view.draw(&content, in: textArea, grid: &grid, glyphs: context.glyphs)
            } else if view == .differences {
                drawCenteredMessage([StyledLine("Differences appear when both answers are finished.", Style(.dim))], in: textArea, grid: &grid)
            } else {
                run.views[sideIndex].draw(&run.documents[sideIndex], in: textArea, grid: &grid, glyphs: context.glyphs)
            }
            for (i, line) in statsLines.prefix(statsArea.height).enumerated() {
                grid.put(line, x: statsArea.x, y: statsArea.y + i, clip: statsArea)
            }
        }
    }

    static func architectureName(_ a: ModelArchitecture) -> String { a == .decoderOnly ? "decoder-only" : "encoder-decoder" }

    /// The numbers under a column: prompt speed (encode or prefill), TTFT and decode speed, tokens,
    /// FLOPs per token and why it stopped. Hidden in blind mode (encode time gives the architecture away).
    /// Wrapped to `width` (at the " · " gaps first): half a terminal is often narrower than one line of them,
    /// and a cut line hides the stop reason, which comes last.
    func statsLines(_ run: CompareRun, side: Int, width: Int, compact: Bool) -> [StyledLine] {
        unwrappedStatsLines(run, side: side, compact: compact).flatMap { StatsText.packed($0, width: width) }
    }

    private func unwrappedStatsLines(_ run: CompareRun, side: Int, compact: Bool) -> [StyledLine] {
        let s = run.sides[side]
        let dim = Style(.dim)
        switch s.status {
        case .pending:
            return [StyledLine(run.mode == .sequential ? " waiting for its turn (sequential)" : " waiting", dim)]
        case .streaming:
            let seconds = s.started.map { TUIApp.clock() - $0 } ?? 0
            return [StyledLine(" " + StatsText.live(tokens: s.tokens, seconds: seconds), Style(.dim, [.italic]))]
        case .failed:
            return [StyledLine(" failed: " + (s.outcome?.error ?? "unknown error"), Style(.error))]
        default: break
        }
        if run.labelsHidden { return [StyledLine(" stats hidden until you vote", Style(.dim, [.italic]))] }
        guard let stats = s.outcome?.stats else { return [StyledLine(" \(s.status.rawValue)", dim)] }
        var prompt: String
        if let encodeMs = stats.encodeMs, let encoderTokens = stats.encoderTokens {
            prompt = "encode \(encoderTokens) tok \(StatsText.ms(encodeMs)) (\(StatsText.rate(encoderTokens, encodeMs)))"
        } else {
            prompt = "prefill \(stats.promptTokens) tok \(StatsText.ms(stats.prefillMs ?? 0)) (\(StatsText.rate(stats.promptTokens, stats.prefillMs ?? 0)))"
        }
        var speed = "TTFT " + (stats.timeToFirstTokenMs.map(StatsText.ms) ?? "-")
        speed += " · decode " + (stats.decodeTokensPerSecond.map { String(format: "%.1f tok/s", $0) } ?? "-")
        var tail = "\(stats.generatedTokens) tok"
        if let flops = s.outcome?.flopsPerToken { tail += " · \(StatsText.flops(flops))/tok" }
        if let reason = stats.stopReason { tail += " · " + StatsText.stopText(reason) }
        if s.status == .stopped { tail += " (stopped)" }
        let lines = compact ? [prompt + " · " + speed, tail] : [prompt, speed, tail]
        return lines.map { StyledLine(" " + $0, dim) }
    }

    /// One side's text with the words it shares with the other collapsed: only the differences stand out.
    static func differenceLines(_ diff: TextDiff.Result, side: Int) -> [StyledLine] {
        if diff.identical {
            return [StyledLine("The two answers are identical.", Style(.success, [.bold]))]
        }
        var line = StyledLine()
        for run in diff.runs {
            switch run {
            case .same(let text):
                let words = TextDiff.tokens(text).count
                line.append(words <= 4 ? text.replacingOccurrences(of: "\n", with: " ") : "[… \(words) same words …] ", Style(.dim))
            case .removed(let text) where side == 0: line.append(text.replacingOccurrences(of: "\n", with: "⏎ "), Style(.warning, [.bold]))
            case .added(let text) where side == 1: line.append(text.replacingOccurrences(of: "\n", with: "⏎ "), Style(.warning, [.bold]))
            default: break
            }
        }
        let count = side == 0 ? diff.removedWords : diff.addedWords
        var header = StyledLine("\(count) \(count == 1 ? "word" : "words") only here", Style(.accent))
        if diff.isApproximate { header.append(" (outputs too different for a word diff: middle shown whole)", Style(.dim)) }
        return [header, StyledLine(), line]
    }

    private func drawWinRates(in area: Rect, grid: inout CellGrid, context: ScreenContext) {
        var lines: [StyledLine] = [StyledLine(" Win rates (votes on stored comparisons; a tie counts half)", Style(.title, [.bold])), StyledLine()]
        if winRates.isEmpty {
            lines.append(StyledLine(" No votes yet: run a comparison and vote with a / b / t / x.", Style(.dim)))
        } else {
            let nameWidth = max(8, min(28, (area.width - 36) / 2))
            lines.append(StyledLine(" " + "MODEL A".padding(to: nameWidth) + " " + "MODEL B".padding(to: nameWidth)
                                    + "  A WINS  B WINS  TIES  VOTES  BLIND  A WIN %", Style(.dim, [.bold])))
            for rate in oriented(winRates) {
                let pair = Set([rate.modelA.id, rate.modelB.id])
                let blindCount = blindWinRates.first { Set([$0.modelA.id, $0.modelB.id]) == pair }?.total ?? 0
                var text = " " + DisplayWidth.truncate(rate.modelA.displayName, to: nameWidth).padding(to: nameWidth) + " "
                text += DisplayWidth.truncate(rate.modelB.displayName, to: nameWidth).padding(to: nameWidth)
                text += String(format: "  %6d  %6d  %4d  %5d  %5d  %6.1f%%", rate.winsA, rate.winsB, rate.ties, rate.total, blindCount, rate.winRateA * 100)
                lines.append(StyledLine(text))
            }
            lines += ratingLines(nameWidth: nameWidth)
        }
        for (i, line) in lines.prefix(area.height).enumerated() { grid.put(line, x: area.x, y: area.y + i, clip: area) }
    }

    /// Bradley-Terry ratings with their bootstrap intervals, as Chatbot Arena reports them.
    private func ratingLines(nameWidth: Int) -> [StyledLine] {
        guard !ratings.isEmpty else { return [] }
        var lines = [StyledLine(),
                     StyledLine(" Ratings (Bradley-Terry on the Elo scale, 95% bootstrap interval over votes; +100 wins 64%)",
                                Style(.title, [.bold])),
                     StyledLine(" " + "MODEL".padding(to: nameWidth) + "  RATING  95% INTERVAL  VOTES", Style(.dim, [.bold]))]
        for r in ratings {
            var text = " " + DisplayWidth.truncate(r.model.displayName, to: nameWidth).padding(to: nameWidth)
            text += String(format: "  %6.0f  %5.0f-%-6.0f  %5d", r.rating.rating, r.rating.interval.low, r.rating.interval.high, r.votes)
            lines.append(StyledLine(text))
        }
        return lines
    }
}
