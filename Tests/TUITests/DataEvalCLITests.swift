import DuetCore
import Engine
import Foundation
import Sessions
@testable import Synthetic
import Testing
@testable import Tokenizers

/// `duet data synth` and `duet eval tasks` run as a user runs them.
@Suite struct DataEvalCLITests {


    @Test func synthThenEvaluateARandomModel() throws {
        let scratch = TemporaryDirectory()
        let root = scratch.path
        let data = root + "/data", model = root + "/model"
        let synth = try runDuet(["data", "synth", "--out", data, "--size-mb", "0.05", "--seed", "9", "--eval-per-task", "3"])
        #expect(synth.status == 0, "\(synth.stderr)")
        #expect(synth.stdout.contains("passage_qa"))
        for name in ["pretrain.txt", "sft.jsonl", "valid.txt", "eval.jsonl", "README.md", "stats.json"] {
            #expect(FileManager.default.fileExists(atPath: data + "/" + name), "missing \(name)")
        }
        let initialised = try runDuet(["init", "--arch", "gemma2", "--preset", "tiny", "--tokenizer", gemmaLikeTokenizer,
                                       "--dtype", "f32", "--out", model])
        #expect(initialised.status == 0, "\(initialised.stderr)")
        // The chat's <end_of_turn> is a stop token in generation_config.json, as in Gemma's IT releases.
        let generation = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: model + "/generation_config.json"))))
        let endOfTurn = try #require(try TokenizerLoader.load(directory: URL(fileURLWithPath: model))?.id(forPiece: "<end_of_turn>"))
        #expect(generation["eos_token_id"] == .array([.int(1), .int(Int(endOfTurn))]))

        let runs = data + "/runs.sqlite"
        let json = try runDuet(["eval", "tasks", "--model", model, "--eval", data + "/eval.jsonl", "--limit-per-task", "1",
                                "--max-tokens", "3", "--json", "--threads", "1", "--db", runs])
        #expect(json.status == 0, "\(json.stderr)")
        // The evaluation is a run in `duet runs`, its accuracies its metrics.
        let store = try DuetStore.open(path: runs)
        let run = try #require(try store.runs().first)
        #expect(run.kind == .eval && run.status == .finished)
        let metrics = try store.latestMetrics(runId: run.id)
        let accuracies = metrics.map(\.name)
        #expect(accuracies.contains("accuracy") && accuracies.contains("accuracy/arithmetic"))
        // The replies' median decode speed, which the frontier view uses for a model never chatted with.
        #expect((metrics.first { $0.name == "decode_tokens_per_second" }?.value ?? 0) > 0, "\(metrics.map(\.name))")
        let report = try JSONParser.parse(Array(json.stdout.utf8))
        #expect(report["overall"]?["n"] == .int(TaskType.allCases.count))
        guard case let .array(tasks)? = report["tasks"] else { Issue.record("no tasks: \(json.stdout)"); return }
        #expect(tasks.compactMap { if case let .string(t)? = $0["task"] { t } else { nil } } == TaskType.allCases.map(\.rawValue))

        let table = try runDuet(["eval", "tasks", "--model", model, "--eval", data + "/eval.jsonl", "--limit-per-task", "1",
                                 "--max-tokens", "2", "--show-failures", "1", "--threads", "1"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("accuracy") && table.stdout.contains("overall") && table.stdout.contains("arithmetic"))
    }

    /// `--record-examples` keeps the prompts a model answered right in its duet_model.json (an empty chat
    /// suggests them). A random model answers nothing on purpose, so the test first asks what it replies
    /// and then makes that the expected answer of one item.
    @Test func recordExamplesStoresPromptsTheModelAnswered() throws {
        let scratch = TemporaryDirectory()
        let root = scratch.path
        let model = root + "/model", eval = root + "/eval.jsonl"
        let initialised = try runDuet(["init", "--preset", "tiny", "--tokenizer", gemmaLikeTokenizer, "--dtype", "f32", "--out", model])
        try #require(initialised.status == 0, "\(initialised.stderr)")
        func item(_ task: String, _ prompt: String, _ answer: String) -> String {
            EvalItem(task: task, messages: [ChatMessage(role: .user, content: prompt)], answer: answer, check: .exact).jsonLine
        }
        try (item("copy", "Say something.", "?") + "\n").write(toFile: eval, atomically: true, encoding: .utf8)
        let probe = try runDuet(["eval", "tasks", "--model", model, "--eval", eval, "--max-tokens", "3", "--show-failures", "1"])
        try #require(probe.status == 0, "\(probe.stderr)")
        let replyLine = try #require(probe.stdout.split(separator: "\n").first { $0.hasPrefix("  reply:") })
        let reply = replyLine.dropFirst("  reply:".count).trimmingCharacters(in: .whitespaces)
        try #require(!reply.isEmpty, "\(probe.stdout)")

        try [item("copy", "Say something.", reply), item("sort", "Sort: b, a", "zzz")].joined(separator: "\n")
            .write(toFile: eval, atomically: true, encoding: .utf8)
        let recorded = try runDuet(["eval", "tasks", "--model", model, "--eval", eval, "--max-tokens", "3", "--record-examples", "3"])
        #expect(recorded.status == 0 && recorded.stderr.contains("recorded 1 example prompts"), "\(recorded.stderr)")
        let provenance = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: model + "/duet_model.json"))))
        #expect(provenance["examples"] == .array([.string("Say something.")]), "\(provenance)")
        #expect(provenance["weights"] == .string("random"), "the rest of the record is kept")
    }

    /// `--report` writes the JSON with per-item results next to the table; `duet eval diff` pairs two such
    /// reports item by item.
    @Test func reportThenDiffComparesTwoModelsItemByItem() throws {
        let scratch = TemporaryDirectory()
        let root = scratch.path
        let model = root + "/model", eval = root + "/eval.jsonl", report = root + "/a.json", other = root + "/b.json"
        try #require(try runDuet(["init", "--preset", "tiny", "--tokenizer", gemmaLikeTokenizer, "--dtype", "f32", "--out", model]).status == 0)
        let items = (0..<4).map { EvalItem(task: $0 < 2 ? "copy" : "sort", messages: [ChatMessage(role: .user, content: "Say \($0).")],
                                           answer: "zzz", check: .exact).jsonLine }
        try items.joined(separator: "\n").write(toFile: eval, atomically: true, encoding: .utf8)
        let run = try runDuet(["eval", "tasks", "--model", model, "--eval", eval, "--max-tokens", "2", "--report", report])
        #expect(run.status == 0 && run.stdout.contains("95% CI"), "\(run.stderr)")
        let outcomes = try PairedComparison.outcomes(ofReport: try Data(contentsOf: URL(fileURLWithPath: report)), file: report)
        #expect(outcomes.map(\.task) == ["copy", "copy", "sort", "sort"] && outcomes.allSatisfy { !$0.correct })
        // Model B: right on both copy items.
        let b = #"{"items": [{"task": "copy", "correct": true}, {"task": "copy", "correct": true}, "#
            + #"{"task": "sort", "correct": false}, {"task": "sort", "correct": false}]}"#
        try b.write(toFile: other, atomically: true, encoding: .utf8)
        let diff = try runDuet(["eval", "diff", "--a", other, "--b", report, "--name-a", "better", "--name-b", "random"])
        #expect(diff.status == 0, "\(diff.stderr)")
        let copyLine = try #require(diff.stdout.split(separator: "\n").first { $0.hasPrefix("copy") })
        #expect(copyLine.contains("100.0%") && copyLine.contains("+100.0"), "\(diff.stdout)")
        let overall = try #require(diff.stdout.split(separator: "\n").first { $0.hasPrefix("overall") })
        #expect(overall.contains("+50.0"), "\(diff.stdout)")
        // Reports of other items are refused with the reason.
        try #"{"items": [{"task": "copy", "correct": true}]}"#.write(toFile: other, atomically: true, encoding: .utf8)
        let refused = try runDuet(["eval", "diff", "--a", other, "--b", report])
        #expect(refused.status != 0 && refused.stderr.contains("not on the same items"), "\(refused.stderr)")
    }

    @Test func badOptionsAreReported() throws {
        let scratch = TemporaryDirectory()
        let root = scratch.path
        let synth = try runDuet(["data", "synth", "--out", root, "--size-mb", "0"])
        #expect(synth.status != 0 && synth.stderr.contains("size-mb"))
        let weight = try runDuet(["data", "synth", "--out", root, "--task-weight", "algebra=3"])
        #expect(weight.status != 0 && weight.stderr.contains("algebra=3") && weight.stderr.contains("passage_qa"),
                "\(weight.stderr)")
        let eval = try runDuet(["eval", "tasks", "--model", root, "--eval", root + "/missing.jsonl"])
        #expect(eval.status != 0 && eval.stderr.contains(root))
    }
}
