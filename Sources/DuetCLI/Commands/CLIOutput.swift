import Foundation
import Sessions

/// Formatting shared by the headless commands (`duet history`, `duet runs`).
enum CLIOutput {
    /// Pretty, key-sorted JSON with ISO 8601 dates: what `--json` prints.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        // Foundation pretty-prints an empty array as "[", "", "]" on three lines. JSON strings cannot hold a
        // raw newline, so this pattern only matches empty arrays.
        return text.replacingOccurrences(of: #"\[\n\s*\n\s*\]"#, with: "[]", options: .regularExpression)
    }

    /// One-line JSON (for JSON Lines).
    static func jsonLine<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static let dateFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter
    }()

    /// Local time, minutes.
    static func date(_ date: Date?) -> String { date.map { dateFormatter.string(from: $0) } ?? "-" }

    /// "12 s ago", "5 min ago"...
    static func age(_ date: Date?, now: Date = Date()) -> String {
        guard let date else { return "never" }
        let seconds = max(0, now.timeIntervalSince(date))
        if seconds < 120 { return "\(Int(seconds)) s ago" }
        if seconds < 7200 { return "\(Int(seconds / 60)) min ago" }
        if seconds < 172_800 { return "\(Int(seconds / 3600)) h ago" }
        return "\(Int(seconds / 86400)) days ago"
    }

    /// A table with left-aligned columns separated by two spaces; `numeric` columns are right-aligned.
    static func table(header: [String], rows: [[String]], numeric: Set<Int> = []) -> String {
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                if column == cells.count - 1 && !numeric.contains(column) { return cell }
                return numeric.contains(column) ? pad + cell : cell + pad
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    /// A number with up to `digits` significant digits.
    static func number(_ value: Double, digits: Int = 5) -> String {
        if value.isNaN { return "nan" }
        return String(format: "%.\(digits)g", value)
    }

    /// "42 tokens · 17.5 tok/s · TTFT 31 ms · seed 7 · end of turn": for people (`history show`, Markdown
    /// exports), so the stop reason reads as the UI says it, not as the enum case (JSON keeps the raw value).
    static func stats(_ stats: MessageStats) -> String {
        var parts = ["\(stats.generatedTokens) tokens"]
        if let speed = stats.decodeTokensPerSecond { parts.append("\(number(speed, digits: 3)) tok/s") }
        if let ttft = stats.timeToFirstTokenMs { parts.append("TTFT \(Int(ttft.rounded())) ms") }
        if let seed = stats.seed { parts.append("seed \(seed)") }
        if let reason = stats.stopReason { parts.append(StatsText.stopText(reason)) }
        return parts.joined(separator: " · ")
    }
}
