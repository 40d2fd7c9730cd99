import ArgumentParser
import DuetCore
import Foundation
import Engine
import Sessions

/// `duet eval ...`: held-out evaluation of a model.
package struct EvalCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Evaluate a model on held-out tasks.",
        subcommands: [EvalTasksCommand.self, EvalDiffCommand.self, EvalProbeCommand.self])

    package init() {}
}

/// `duet eval tasks`: per-task accuracy on an eval.jsonl set (greedy decoding with the chat template).
struct EvalTasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "Score a model's replies on an eval.jsonl file and print accuracy per task.",
        discussion: """
        Each item's chat is rendered with the Gemma chat template and answered greedily (decoder-only: the \
        model continues the chat; encoder-decoder: the encoder reads it). Replies are scored by the item's \
        check (exact, caseless, number, list). eval.jsonl files come from `duet data synth`.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var weights: QuantizeOption
    @Option(help: "Model directory (Hugging Face layout, with a tokenizer).") var model: String
    @Option(help: "Evaluation file (eval.jsonl).") var eval: String
    @Option(help: "Score only the first N items of each task.") var limitPerTask: Int?
    @Option(help: "Maximum tokens per reply.") var maxTokens = 64
    @Option(help: "Print up to N wrong replies after the table.") var showFailures = 0
    @Flag(help: "Print one JSON object instead of the table.") var json = false
    @Option(help: "Also write the JSON report (per-item results included, for `duet eval diff`) to this file.")
    var report: String?
    @Option(name: .customLong("record-examples"),
            help: ArgumentHelp("Store up to N prompts the model answered correctly in its duet_model.json.",
                               discussion: "Short single-turn prompts, one per task; an empty chat with the model suggests them."))
    var recordExamples = 0

    func validate() throws {
        if let n = limitPerTask, n < 1 { throw ValidationError("--limit-per-task must be at least 1") }
        if maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1") }
        if showFailures < 0 { throw ValidationError("--show-failures must not be negative") }
        if recordExamples < 0 { throw ValidationError("--record-examples must not be negative") }
    }

    func run() throws {
        global.apply()
        let loaded = try openModel(model, quantization: weights.quantize)
        let url = URL(fileURLWithPath: (eval as NSString).expandingTildeInPath)
        let modelPath = URL(fileURLWithPath: (model as NSString).expandingTildeInPath).standardizedFileURL.path
        var config: [(String, JSONValue)] = [("model", .string(modelPath)), ("eval", .string(url.path)), ("maxTokens", .int(maxTokens))]
        if let limitPerTask { config.append(("limitPerTask", .int(limitPerTask))) }
        let recorded = RecordedRun(global: global, kind: .eval, name: "eval " + (modelPath as NSString).lastPathComponent,
                                   config: .object(config), outputDirectory: modelPath)
        let report: TaskEvaluationReport
        do {
            report = try recorded.run({
                try TaskEvaluation.run(model: loaded, evalFile: url, limitPerTask: limitPerTask,
                                       maxTokens: maxTokens) { _, index, total in
                    if !json && ((index + 1) % 10 == 0 || index + 1 == total) {
                        FileHandle.standardError.write(Data("\r  \(index + 1)/\(total)".utf8))
                        if index + 1 == total { FileHandle.standardError.write(Data("\n".utf8)) }
                    }
                }
            }, metrics: { report in
                var values = ["accuracy": report.overall.accuracy, "macro_accuracy": report.macroAccuracy]
                for score in report.scores { values["accuracy/" + score.task] = score.accuracy }
                if let speed = report.decodeTokensPerSecond { values["decode_tokens_per_second"] = speed }
                return values
            })
        } catch {
            throw CommandFailure("eval tasks failed: \(error)")
        }
        if recordExamples > 0 { try record(report.answeredPrompts(limit: recordExamples)) }
        if let path = self.report {
            let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
            do {
                try AtomicFile.write(Data(JSONWriter.string(report.json, indent: nil).utf8), to: url)
            } catch {
                throw CommandFailure("cannot write the report \(url.path): \(error)")
            }
        }
        if json {
            print(JSONWriter.string(report.json, indent: nil))
            return
        }
        print(report.table)
        for failure in report.outcomes.filter({ !$0.correct }).prefix(showFailures) {
            let question = failure.item.messages.last?.content ?? ""
            print("\n[\(failure.item.task)] \(question.replacingOccurrences(of: "\n", with: " / "))")
            print("  expected: \(failure.item.answer)  (\(failure.item.check.rawValue))")
            print("  reply:    \(failure.reply)")
        }
    }

    /// Writes `examples` into the model's duet_model.json (creating it when the model has none).
    private func record(_ examples: [String]) throws {
        let directory = URL(fileURLWithPath: (model as NSString).expandingTildeInPath)
        var provenance = ModelProvenance.read(directory) ?? ModelProvenance(weights: "unknown", createdBy: "not recorded")
        provenance.examples = examples
        do { try provenance.write(to: directory) } catch {
            throw CommandFailure("cannot record examples in \(directory.path)/\(ModelProvenance.fileName): \(error)")
        }
        if !json { FileHandle.standardError.write(Data("recorded \(examples.count) example prompts in \(ModelProvenance.fileName)\n".utf8)) }
    }
}
