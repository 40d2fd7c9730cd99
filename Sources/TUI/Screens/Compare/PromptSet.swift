import Foundation

/// A file of prompts for a batch comparison: JSON Lines (each line an object with a "prompt" field,
/// or a JSON string), or plain text with one prompt per line. Blank lines and lines starting with
/// `#` (plain text only) are skipped.
enum PromptSet {
    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    static func load(path: String) throws -> [String] {
        let expanded = (path as NSString).expandingTildeInPath
        guard let data = FileManager.default.contents(atPath: expanded) else { throw ParseError(description: "cannot read \(expanded)") }
        guard let text = String(data: data, encoding: .utf8) else { throw ParseError(description: "\(expanded) is not UTF-8 text") }
        let prompts = try parse(text, file: expanded)
        guard !prompts.isEmpty else { throw ParseError(description: "\(expanded) has no prompts") }
        return prompts
    }

    /// Parses as JSON Lines when the first non-blank line starts with `{` or `"`, else as plain lines.
    static func parse(_ text: String, file: String = "prompts") throws -> [String] {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        let first = lines.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.trimmingCharacters(in: .whitespaces)
        guard let first, first.hasPrefix("{") || first.hasPrefix("\"") else {
            return lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
        var prompts: [String] = []
        for (number, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let value = try? JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
            if let string = value as? String {
                prompts.append(string)
            } else if let object = value as? [String: Any], let prompt = object["prompt"] as? String {
                prompts.append(prompt)
            } else {
                throw ParseError(description: "\(file):\(number + 1): expected a JSON object with a \"prompt\" string (or a JSON string)")
            }
        }
        return prompts
    }
}

/// Results of a batch comparison: per side, what the summary table shows; per prompt, the finished
/// comparison itself (both outputs, their stats and the vote), to be read one prompt at a time.
struct BatchSummary {
    struct Side {
        var modelName: String
        var runs = 0
        var failed = 0
        var ttftMs: [Double] = []
        var decodeRate: [Double] = []
        var tokens: [Int] = []
    }

    var prompts: [String]
    var sides: [Side]
    var completed = 0
    /// Prompts whose two outputs were the same text.
    var identical = 0
    var comparisonIds: [Int64] = []
    /// Each compared prompt's run, in prompt order.
    var runs: [CompareRun] = []

    init(prompts: [String], modelNames: [String]) {
        self.prompts = prompts
        sides = modelNames.map { Side(modelName: $0) }
    }

    /// Records one finished comparison.
    mutating func add(_ run: CompareRun) {
        completed += 1
        runs.append(run)
        if let id = run.comparisonId { comparisonIds.append(id) }
        if run.sides.count == 2, run.sides[0].status == .complete, run.sides[0].output == run.sides[1].output { identical += 1 }
        for (i, side) in run.sides.enumerated() where i < sides.count {
            sides[i].runs += 1
            guard side.status == .complete || side.status == .stopped, let stats = side.outcome?.stats else { sides[i].failed += 1; continue }
            if let t = stats.timeToFirstTokenMs { sides[i].ttftMs.append(t) }
            if let r = stats.decodeTokensPerSecond { sides[i].decodeRate.append(r) }
            sides[i].tokens.append(stats.generatedTokens)
        }
    }

    static func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
}
