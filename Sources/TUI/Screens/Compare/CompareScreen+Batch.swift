import DuetCLI
import Foundation
import Sessions

/// A finished batch on the compare screen: its summary, the list of its prompts, and one prompt's two
/// answers at a time. Tab moves between the prompt input and the list; Enter opens a prompt's pair
/// (its stats under each column, the vote bar if it has no vote yet); n / p walk to the next or
/// previous prompt, Esc goes back.
extension CompareScreen {
    /// Handles the batch's keys; nil for actions that are not about browsing a batch.
    func performInBatch(_ action: String) -> ScreenRequest? {
        let count = batch?.runs.count ?? 0
        switch action {
        case "compare.results":
            guard let batch else { return .notice("No batch yet: run a prompt file first") }
            guard batchIsOver else {
                return .notice("The batch is running (\(batch.completed) of \(batch.prompts.count) done): its prompts open when it is over")
            }
            guard count > 0 else { return .notice("No prompt of the batch was compared") }
            if batchFocus == nil {
                batchFocus = .list
                if view.isTable { view = .columns }
            } else {
                batchFocus = nil
            }
        case "batch.close":
            batchFocus = nil
        case "pair.back":
            batchFocus = .list
            voteMessage = nil
        case "pair.next", "pair.previous":
            guard let index = openedPair else { return nil }
            let next = index + (action == "pair.next" ? 1 : -1)
            guard (0..<count).contains(next) else {
                return .notice(next < 0 ? "This is the first prompt of the batch" : "This is the last prompt of the batch")
            }
            openPair(next)
        case "list.up" where batchFocus == .list: batchList.move(by: -1, count: count)
        case "list.down" where batchFocus == .list: batchList.move(by: 1, count: count)
        case "list.page-up" where batchFocus == .list: batchList.pageUp(count: count)
        case "list.page-down" where batchFocus == .list: batchList.pageDown(count: count)
        case "list.select" where batchFocus == .list: openPair(batchList.selection)
        default: return nil
        }
        return ScreenRequest.none
    }

    /// Asks for a prompt set file and starts the batch.
    func batchForm() -> FormOverlay {
        FormOverlay(title: "Run a prompt set", fields: [
            FormOverlay.Field("File", hint: "one prompt per line, or JSONL with \"prompt\""),
        ]) { [weak self] values in
            let path = values[0].trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else { return "Type the path of a prompt file" }
            return self?.startBatch(path: path)
        }
    }

    // MARK: Drawing

    func drawBatchProgress(_ batch: BatchSummary, in row: Rect, grid: inout CellGrid, context: ScreenContext) {
        let done = batch.completed
        var label = " Batch \(min(done + (isRunning ? 1 : 0), batch.prompts.count))/\(batch.prompts.count)"
        if batchCancelled { label += " (stopped)" } else if done == batch.prompts.count { label += " done" }
        grid.put(label, x: row.x, y: row.y, style: Style(.accent, [.bold]), clip: row)
        let barWidth = min(30, max(0, row.width - DisplayWidth.of(label) - 2))
        ProgressBar(fraction: Double(done) / Double(max(1, batch.prompts.count)))
            .draw(in: Rect(x: row.x + DisplayWidth.of(label) + 1, y: row.y, width: barWidth, height: 1), grid: &grid, glyphs: context.glyphs)
        if done < batch.prompts.count, !batchCancelled {
            let x = row.x + DisplayWidth.of(label) + barWidth + 2
            grid.put(batch.prompts[done].replacingOccurrences(of: "\n", with: " "), x: x, y: row.y, style: Style(.dim), clip: row)
        }
    }

    /// The summary table per model, then the list of prompts (each with both sides' token counts,
    /// whether the answers are the same, and the vote).
    func drawBatchSummary(_ batch: BatchSummary, in area: Rect, grid: inout CellGrid, context: ScreenContext) {
        var lines: [StyledLine] = [
            StyledLine(" \(batch.completed) of \(batch.prompts.count) prompts compared, stored as comparisons"
                       + (batch.comparisonIds.isEmpty ? "" : " \(batch.comparisonIds.min()!)–\(batch.comparisonIds.max()!)"), Style(.title, [.bold])),
            StyledLine(" identical answers: \(batch.identical) of \(batch.completed)", Style(.dim)),
            StyledLine(),
            StyledLine(" " + "MODEL".padding(to: 36) + "RUNS  FAILED  MEAN TTFT  MEAN DECODE    MEAN TOKENS", Style(.dim, [.bold])),
        ]
        for side in batch.sides {
            var text = " " + DisplayWidth.truncate(side.modelName, to: 35).padding(to: 36)
            text += String(format: "%4d  %6d  ", side.runs, side.failed)
            text += (BatchSummary.mean(side.ttftMs).map(StatsText.ms) ?? "-").padding(to: 11)
            // Room for "12345.6 tok/s" (a tiny model decodes that fast) and a gap.
            text += (BatchSummary.mean(side.decodeRate).map { String(format: "%.1f tok/s", $0) } ?? "-").padding(to: 15)
            text += BatchSummary.mean(side.tokens.map(Double.init)).map { String(format: "%.1f", $0) } ?? "-"
            lines.append(StyledLine(text))
        }
        lines.append(StyledLine())
        var heading = StyledLine(" Prompts ", Style(.title, [.bold]))
        let key = { (action: String, contexts: [KeyContext]) in context.key(action, in: contexts) ?? "?" }
        heading.append(batchFocus == .list
                       ? "\(key("list.select", [.compareBatch, .list])) shows both answers · \(key("batch.close", [.compareBatch])) back to the prompt input"
                       : "\(key("compare.results", [.compare])) to read each prompt's two answers", Style(.dim))
        lines.append(heading)
        for (i, line) in lines.prefix(area.height).enumerated() { grid.put(line, x: area.x, y: area.y + i, clip: area) }
        let (_, listArea) = area.splitTop(min(area.height, lines.count))
        guard !listArea.isEmpty else { return }
        let (columns, rows) = listArea.splitTop(1)
        let promptWidth = max(8, columns.width - 48)  // number, two token counts, same or not, a vote of up to 8 columns
        grid.put(StyledLine("    # " + "PROMPT".padding(to: promptWidth) + "  A TOKENS  B TOKENS  ANSWERS  VOTE", Style(.dim, [.bold])),
                 x: columns.x, y: columns.y, clip: columns)
        batchList.draw(batch.runs.enumerated().map { batchRow($1, index: $0, promptWidth: promptWidth) }, in: rows, grid: &grid,
                       focused: batchFocus == .list)
    }

    /// "   2 What is 2 + 3?      12 tok     9 tok  differ   A better".
    private func batchRow(_ run: CompareRun, index: Int, promptWidth: Int) -> StyledLine {
        let prompt = run.prompt.replacingOccurrences(of: "\n", with: " ")
        var line = StyledLine(String(format: " %4d ", index + 1), Style(.dim))
        line.append(DisplayWidth.truncate(prompt, to: promptWidth).padding(to: promptWidth))
        for side in run.sides {
            let text: String
            switch side.status {
            case .complete: text = "\(side.tokens) tok"
            case .stopped: text = "stopped"
            case .failed: text = "failed"
            default: text = side.status.rawValue
            }
            line.append(String(repeating: " ", count: max(2, 10 - DisplayWidth.of(text))) + text,
                        Style(side.status == .failed ? .error : .normal))
        }
        line.append("  " + (run.diff.map { $0.identical ? "same" : "differ" } ?? "-").padding(to: 7), Style(.dim))
        line.append("  " + (run.vote.map(Self.voteText) ?? "-"), Style(run.vote == nil ? .dim : .accent))
        return line
    }

    /// Above an opened pair: "Prompt 2 of 5" with the keys to walk the batch, then the prompt itself
    /// (up to three lines: the columns need the room).
    func pairHeader(_ batch: BatchSummary, index: Int, width: Int, context: ScreenContext) -> [StyledLine] {
        var title = StyledLine(" Prompt \(index + 1) of \(batch.runs.count) ", Style(.title, [.bold]))
        let keys = [("pair.next", "next"), ("pair.previous", "previous"), ("pair.back", "list")].compactMap { action, label in
            context.key(action, in: [.comparePair]).map { "\($0) \(label)" }
        }
        title.append(keys.joined(separator: " · "), Style(.dim))
        let prompt = TextWrapper().wrap(StyledLine(batch.runs[index].prompt.replacingOccurrences(of: "\n", with: " ")),
                                        width: max(1, width - 1), firstPrefix: StyledLine(" "), continuationPrefix: StyledLine(" "))
        var lines = [title] + prompt.prefix(3)
        if prompt.count > 3, var last = lines.popLast() {
            last.append(" …", Style(.dim))
            lines.append(last)
        }
        return lines
    }
}
