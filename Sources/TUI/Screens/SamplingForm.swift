import DuetCore
import Foundation
import Sessions

/// The fields of a sampling settings dialog (chat settings, compare settings) and their parsing.
/// Empty fields mean "the model's default" (seed: a new random seed each time).
enum SamplingForm {
    static let labels = ["Temperature", "Top-k", "Top-p", "Min-p", "Repetition penalty", "Max new tokens", "Seed"]

    static func fields(_ s: SamplingParameters?) -> [FormOverlay.Field] {
        func text(_ v: Double?) -> String { v.map { String(format: "%g", $0) } ?? "" }
        return [
            FormOverlay.Field("Temperature", value: text(s?.temperature), hint: "0 = greedy; empty = model default"),
            FormOverlay.Field("Top-k", value: s?.topK.map(String.init) ?? "", hint: "0 = off"),
            FormOverlay.Field("Top-p", value: text(s?.topP), hint: "1 = off"),
            FormOverlay.Field("Min-p", value: text(s?.minP), hint: "0 = off"),
            FormOverlay.Field("Repetition penalty", value: text(s?.repetitionPenalty), hint: "1 = off"),
            FormOverlay.Field("Max new tokens", value: s?.maxNewTokens.map(String.init) ?? "", hint: "empty = default"),
            FormOverlay.Field("Seed", value: s?.seed.map(String.init) ?? "", hint: "empty = random each time"),
        ]
    }

    /// Parses the seven sampling fields; nil when all are empty. Throws a message naming the field.
    static func parse(_ values: [String]) throws -> SamplingParameters? {
        let v = values.map { $0.trimmingCharacters(in: .whitespaces) }
        func number(_ i: Int, _ range: ClosedRange<Double>) throws -> Double? {
            guard !v[i].isEmpty else { return nil }
            guard let x = Double(v[i]), x.isFinite, range.contains(x) else {
                throw ChatActionError("\(labels[i]) must be a number from \(String(format: "%g", range.lowerBound)) to \(String(format: "%g", range.upperBound))")
            }
            return x
        }
        func integer(_ i: Int, minimum: Int) throws -> Int? {
            guard !v[i].isEmpty else { return nil }
            guard let x = Int(v[i]), x >= minimum else { throw ChatActionError("\(labels[i]) must be a whole number ≥ \(minimum)") }
            return x
        }
        var p = SamplingParameters()
        p.temperature = try number(0, 0...10)
        p.topK = try integer(1, minimum: 0)
        p.topP = try number(2, 0...1)
        p.minP = try number(3, 0...1)
        p.repetitionPenalty = try number(4, 0.01...10)
        p.maxNewTokens = try integer(5, minimum: 1)
        if !v[6].isEmpty {
            guard let seed = UInt64(v[6]) else { throw ChatActionError("Seed must be a whole number ≥ 0") }
            p.seed = seed
        }
        return p == SamplingParameters() ? nil : p
    }
}

extension ChatScreen {
    /// The chat settings dialog: system prompt and sampling, saved with the session.
    func settingsForm() -> FormOverlay {
        let controller = self.controller
        let fields = [FormOverlay.Field("System prompt", value: controller.systemPrompt ?? "",
                                        hint: "none (Alt+Enter: new line)", multiline: true)] + SamplingForm.fields(controller.sampling)
        return FormOverlay(title: controller.session.map { "Settings: \($0.title)" } ?? "Settings for the new chat", fields: fields) { values in
            do {
                let sampling = try SamplingForm.parse(Array(values.dropFirst()))
                let system = values[0].trimmingCharacters(in: .whitespacesAndNewlines)
                controller.saveSettings(systemPrompt: system.isEmpty ? nil : values[0], sampling: sampling)
                return nil
            } catch {
                return "\(error)"
            }
        }
    }
}
