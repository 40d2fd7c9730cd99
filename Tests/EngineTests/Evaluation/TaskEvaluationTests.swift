import DuetCore
import Foundation
@testable import Synthetic
import Testing
@testable import Engine
@testable import Tokenizers

/// The evaluation runner: scoring with scripted replies, and the model plumbing (chat template prompt,
/// greedy decoding, stopping, reply text) on tiny random models of both architectures.
@Suite struct TaskEvaluationTests {
    func user(_ text: String) -> [ChatMessage] { [ChatMessage(role: .user, content: text)] }

    @Test func scriptedRepliesAreScoredPerTask() throws {
        let items = [
            EvalItem(task: "arithmetic", messages: user("What is 2 + 3?"), answer: "5", check: .number),
            EvalItem(task: "passage_qa", messages: user("Lomi lives in Koro.\n\nWhere does Lomi live?"), answer: "Koro", check: .caseless),
            EvalItem(task: "arithmetic", messages: user("What is 4 * 4?"), answer: "16", check: .number),
            EvalItem(task: "sort", messages: user("Sort: pear, apple"), answer: "apple, pear", check: .list),
            EvalItem(task: "copy", messages: user("Copy this: Fogo has 3 cups."), answer: "Fogo has 3 cups.", check: .exact),
            EvalItem(task: "arithmetic", messages: user("Add 1 and 1."), answer: "2", check: .number),
        ]
        let replies = ["What is 2 + 3?": "The answer is 5.", "What is 4 * 4?": "15", "Sort: pear, apple": "pear, apple",
                       "Copy this: Fogo has 3 cups.": "Fogo has 3 cups.", "Add 1 and 1.": "2"]
        var asked: [String] = []
        let report = try TaskEvaluation.run(items: items) { item in
            let q = item.messages.last!.content
            asked.append(q)
            return replies[q] ?? "koro."
        }
        #expect(asked == items.map { $0.messages.last!.content })
        #expect(report.scores == [TaskScore(task: "arithmetic", n: 3, correct: 2), TaskScore(task: "passage_qa", n: 1, correct: 1),
                                  TaskScore(task: "sort", n: 1, correct: 0), TaskScore(task: "copy", n: 1, correct: 1)])
        #expect(report.overall.n == 6 && report.overall.correct == 4)
        #expect(abs(report.macroAccuracy - (2.0 / 3 + 1 + 0 + 1) / 4) < 1e-12)
        #expect(report.table.contains("arithmetic") && report.table.contains("66.7%") && report.table.contains("overall"))
        #expect(report.json["overall"]?["correct"] == .int(4))
        // Suggestions: the shortest right single-line prompt of each task, the best-answered tasks first
        // (copy 1/1 before arithmetic 2/3; passage_qa's prompt spans lines).
        #expect(report.answeredPrompts(limit: 5) == ["Copy this: Fogo has 3 cups.", "Add 1 and 1."])
        #expect(report.answeredPrompts(limit: 1) == ["Copy this: Fogo has 3 cups."])
        #expect(report.answeredPrompts(limit: 5, maxLength: 12) == ["Add 1 and 1."])
        let twoTurn = [ChatMessage(role: .user, content: "What is 2 + 2?"), ChatMessage(role: .model, content: "4"),
                       ChatMessage(role: .user, content: "Plus 1?")]
        let followUp = try TaskEvaluation.run(items: [EvalItem(task: "arithmetic", messages: twoTurn, answer: "5", check: .number)]) { _ in "5" }
        #expect(followUp.overall.correct == 1 && followUp.answeredPrompts(limit: 3).isEmpty, "a follow-up needs its context")

        let limited = try TaskEvaluation.run(items: items, limitPerTask: 1) { _ in "5" }
        #expect(limited.scores.map(\.n) == [1, 1, 1, 1])
        #expect(limited.scores[0].correct == 1)
        #expect(throws: TaskEvaluationError.invalidLimit(0)) { try TaskEvaluation.select(items, limitPerTask: 0) }
    }

    @Test func evalFileErrorsNameTheLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("duet-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("eval.jsonl")
        let good = EvalItem(task: "copy", messages: user("Copy this: a"), answer: "a", check: .exact).jsonLine
        try Data((good + "\n\n" + #"{"task":"copy","messages":[{"role":"user","content":"x"}],"answer":"x","check":"fuzzy"}"# + "\n").utf8).write(to: url)
        #expect {
            try EvalItem.load(from: url)
        } throws: { error in
            guard case let .invalidLine(_, line, reason) = error as? EvalFileError else { return false }
            return line == 3 && reason.contains("fuzzy")
        }
        try Data((good + "\n").utf8).write(to: url)
        #expect(try EvalItem.load(from: url) == [EvalItem(task: "copy", messages: user("Copy this: a"), answer: "a", check: .exact)])
        let endsWithModel = #"{"task":"t","messages":[{"role":"user","content":"x"},{"role":"model","content":"y"}],"answer":"y","check":"exact"}"#
        #expect(throws: EvalFileError.self) { try EvalItem(jsonLine: endsWithModel, file: "f", line: 1) }
        #expect(throws: EvalFileError.self) { try EvalItem.load(from: dir.appendingPathComponent("missing.jsonl")) }
    }

    /// A random model with the gemma-like test tokenizer (3000 ids, <end_of_turn> = 18).
    static func randomModel(encoderDecoder: Bool) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("duet-eval-model-\(UUID().uuidString)")
        let stack = Gemma2Config(vocabSize: 3000, hiddenSize: 32, intermediateSize: 64, numLayers: 2, numHeads: 2,
                                 numKVHeads: 1, headDim: 16, queryPreAttnScalar: 16, slidingWindow: 64)
        let config: ModelConfig = encoderDecoder ? .t5gemma(T5GemmaConfig(encoder: stack, decoder: stack)) : .gemma2(stack)
        try ModelInitializer.writeRandomModel(config, dtype: .f32, seed: 5, to: dir)
        try TokenizerFiles.copy(from: fixturesDirectory().appendingPathComponent("tokenizers/gemma-like"), to: dir)
        return dir
    }

    @Test(arguments: [false, true])
    func modelRepliesUseTheChatTemplateGreedyDecodingAndStopTokens(encoderDecoder: Bool) throws {
        let dir = try Self.randomModel(encoderDecoder: encoderDecoder)
        defer { try? FileManager.default.removeItem(at: dir) }
        let loaded = try ModelLoader.load(directory: dir)
        #expect(loaded.model.architecture == (encoderDecoder ? .encoderDecoder : .decoderOnly))
        let tokenizer = try #require(loaded.tokenizer)
        let endOfTurn = try #require(tokenizer.id(forPiece: "<end_of_turn>"))
        #expect(loaded.stopTokens.contains(endOfTurn))

        // Held-out items of every task, written as eval.jsonl.
        var generator = TaskGenerator(split: .heldOut)
        var rng = SynthRandom(seed: 1)
        let items = TaskType.allCases.map { task -> EvalItem in
            let instance = generator.make(task, twoTurn: task == .arithmetic, &rng)
            return EvalItem(task: task.rawValue, messages: instance.prompt, answer: instance.finalTurn.answer,
                            check: instance.finalTurn.check)
        }
        let evalURL = dir.appendingPathComponent("eval.jsonl")
        try Data(items.map { $0.jsonLine + "\n" }.joined().utf8).write(to: evalURL)

        let responder = try ModelResponder(model: loaded, maxTokens: 5)
        let twoTurn = items[0].messages
        #expect(twoTurn.count == 3)
        let prompt = try responder.promptIDs(twoTurn)
        let start = try #require(tokenizer.id(forPiece: "<start_of_turn>"))
        #expect(prompt.first == tokenizer.bosID && prompt.filter { $0 == start }.count == 4)
        #expect(prompt.filter { $0 == endOfTurn }.count == 3)
        #expect(prompt.suffix(3) == ArraySlice([start] + tokenizer.encode("model\n", addBOS: false)))

        let reply = try responder.reply(to: twoTurn)
        #expect(reply.tokens.count >= 1 && reply.tokens.count <= 5)
        let direct = try loaded.model.generate(prompt: prompt, parameters: SamplingParameters(temperature: 0, maxNewTokens: 5),
                                               stopTokens: loaded.stopTokens, cancel: nil, onToken: { _ in })
        #expect(direct.tokens == reply.tokens)
        #expect(reply.text == tokenizer.decode(reply.tokens.filter { !loaded.stopTokens.contains($0) }))

        // Stopping: with the first greedy token as the stop token, the reply is that token and no text.
        let first = reply.tokens[0]
        let stopping = try ModelResponder(model: loaded, maxTokens: 5, stopTokens: [first]).reply(to: twoTurn)
        #expect(stopping.tokens == [first] && stopping.text == "" && stopping.stopReason == .endOfSequence)

        // The whole runner over the file: every task scored, each verdict the checker's.
        var seen = 0
        let report = try TaskEvaluation.run(model: loaded, evalFile: evalURL, limitPerTask: 1, maxTokens: 5) { _, index, total in
            #expect(index == seen && total == TaskType.allCases.count)
            seen += 1
        }
        #expect(report.scores.map(\.task) == TaskType.allCases.map(\.rawValue))
        #expect(report.overall.n == TaskType.allCases.count)
        for outcome in report.outcomes {
            #expect(outcome.correct == TaskChecker.isCorrect(reply: outcome.reply, answer: outcome.item.answer,
                                                             check: outcome.item.check))
        }
        #expect(report.outcomes[0].reply == reply.text)
    }

    @Test func modelWithoutTokenizerIsRefused() throws {
        let dir = try Self.randomModel(encoderDecoder: false)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in TokenizerFiles.names { try? FileManager.default.removeItem(at: dir.appendingPathComponent(name)) }
        let loaded = try ModelLoader.load(directory: dir)
        #expect(throws: TaskEvaluationError.noTokenizer(dir.path)) { try ModelResponder(model: loaded) }
    }
}
