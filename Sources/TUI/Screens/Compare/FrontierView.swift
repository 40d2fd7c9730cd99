import Foundation
import Sessions

/// The quality-efficiency frontier of the models Duet has measured (the paper's Figure 1 for the
/// user's own models): accuracy from stored evaluations against decode time per token from stored
/// generations (else from the evaluation's own replies), as a scatter plot with lettered points and a
/// legend table.
enum FrontierView {
    /// The lines of the view for an area `width` x `height`.
    static func lines(_ table: QualityCostTable, width: Int, height: Int) -> [StyledLine] {
        var lines = [StyledLine(" Quality and cost: accuracy against decode time per token (the paper's Figure 1)",
                                Style(.title, [.bold]))]
        guard !table.models.isEmpty else {
            lines.append(StyledLine())
            lines.append(StyledLine(" Nothing measured yet. `duet eval tasks --model DIR --eval FILE` records a model's accuracy;",
                                    Style(.dim)))
            lines.append(StyledLine(" chats, comparisons and that evaluation record its decode speed.", Style(.dim)))
            return lines
        }
        let set = table.evalSet.map { ($0 as NSString).lastPathComponent } ?? "no evaluation"
        lines.append(StyledLine(" accuracy on \(set) (latest `duet eval tasks` run); speed: median of stored generations, "
                                + "else of that evaluation's replies", Style(.dim)))
        let measured = table.models.filter { $0.accuracy != nil && $0.millisecondsPerToken != nil }
        let legendRows = table.models.count + 2
        let chartHeight = min(14, height - lines.count - legendRows - 2)
        if !measured.isEmpty && chartHeight >= 5 && width >= 30 {
            lines.append(StyledLine())
            lines += chart(table, height: chartHeight, width: min(width - 2, 72))
        }
        lines.append(StyledLine())
        lines += legend(table, width: width)
        return lines
    }

    /// Point labels: A, B, C, ... in the table's order.
    static func label(_ index: Int) -> String { index < 26 ? String(UnicodeScalar(65 + index)!) : "*" }

    /// Accuracy (y, 0-100%) against milliseconds per token (x, from 0), points as letters; frontier
    /// points bold.
    static func chart(_ table: QualityCostTable, height: Int, width: Int) -> [StyledLine] {
        let axis = 7, plotWidth = max(10, width - axis - 1), plotHeight = height - 2
        let maxMs = (table.models.compactMap(\.millisecondsPerToken).max() ?? 1) * 1.1
        var cells = [[Character]](repeating: Array(repeating: " ", count: plotWidth), count: plotHeight)
        let frontier = Set(table.frontier.map(\.path))
        var bold = Set<Int>()
        for (i, m) in table.models.enumerated() {
            guard let accuracy = m.accuracy, let ms = m.millisecondsPerToken else { continue }
            let x = min(plotWidth - 1, Int((ms / maxMs * Double(plotWidth - 1)).rounded()))
            let y = min(plotHeight - 1, Int(((1 - accuracy) * Double(plotHeight - 1)).rounded()))
            cells[y][x] = Character(label(i))
            if frontier.contains(m.path) { bold.insert(y * plotWidth + x) }
        }
        var lines: [StyledLine] = []
        for (row, rowCells) in cells.enumerated() {
            let value = (1 - Double(row) / Double(plotHeight - 1)) * 100
            let tick = row == 0 || row == plotHeight - 1 || row == (plotHeight - 1) / 2
            var line = StyledLine((tick ? String(format: "%5.0f%% ", value) : String(repeating: " ", count: axis)) + "│", Style(.dim))
            for (col, c) in rowCells.enumerated() {
                line.append(String(c), c == " " ? .normal : Style(.accent, bold.contains(row * plotWidth + col) ? [.bold] : []))
            }
            lines.append(line)
        }
        lines.append(StyledLine(String(repeating: " ", count: axis) + "└" + String(repeating: "─", count: plotWidth), Style(.dim)))
        let right = String(format: "%.2f ms/token", maxMs)
        let left = "0"
        lines.append(StyledLine(String(repeating: " ", count: axis + 1) + left
                                + String(repeating: " ", count: max(1, plotWidth - left.count - right.count)) + right, Style(.dim)))
        return lines
    }

    static func legend(_ table: QualityCostTable, width: Int) -> [StyledLine] {
        let nameWidth = max(10, min(30, width - 52))
        var lines = [StyledLine("    " + "MODEL".padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                                + "  ACCURACY   TOK/S  MS/TOK  GENERATIONS  FRONTIER", Style(.dim, [.bold]))]
        let frontier = Set(table.frontier.map(\.path))
        for (i, m) in table.models.enumerated() {
            let name = DisplayWidth.truncate((m.path as NSString).lastPathComponent, to: nameWidth)
            var text = " " + label(i) + "  " + name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            text += "  " + (m.accuracy.map { String(format: "%7.1f%%", $0 * 100) } ?? "       -")
            text += "  " + (m.decodeTokensPerSecond.map { String(format: "%6.0f", $0) } ?? "     -")
            text += "  " + (m.millisecondsPerToken.map { String(format: "%6.2f", $0) } ?? "     -")
            // An evaluation's speed is not a count of stored generations: say where it came from.
            text += m.speedFromEvaluation ? "   evaluation" : String(format: "  %11d", m.generations)
            text += frontier.contains(m.path) ? "  yes" : ""
            lines.append(StyledLine(text))
        }
        return lines
    }
}
