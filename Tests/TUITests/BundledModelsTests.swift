import Engine
import Foundation
import Testing

/// The models Duet ships in assets/models (made by tools/recipe/default-models.sh): what a fresh
/// `make run` opens. They must load, answer held-out questions (`duet eval tasks` on the held-out set
/// the recipe evaluated), and a fresh launch must chat with the encoder-decoder and answer.
@Suite struct BundledModelsTests {
    static let assets = repositoryRoot.appendingPathComponent("assets").path
    static let encoderDecoder = assets + "/models/duet-mini-mini-it"
    static let decoderOnly = assets + "/models/duet-mini-it"
    static let heldOut = assets + "/models/heldout-eval.jsonl"

    /// Accuracy per task and overall of `model` on the first `perTask` held-out items of every task.
    func accuracies(_ model: String, perTask: Int) throws -> [String: Double] {
        let r = try runDuet(["eval", "tasks", "--model", model, "--eval", Self.heldOut, "--limit-per-task", "\(perTask)",
                             "--json", "--threads", "2"])
        try #require(r.status == 0, "\(r.stderr)")
        let report = try JSONParser.parse(Array(r.stdout.utf8))
        var result: [String: Double] = [:]
        if case let .double(value)? = report["overall"]?["accuracy"] { result["overall"] = value }
        if case let .array(tasks)? = report["tasks"] {
            for task in tasks {
                if case let .string(name)? = task["task"], case let .double(value)? = task["accuracy"] { result[name] = value }
            }
        }
        return result
    }

    @Test func theBundledModelsAreBf16AndSayWhereTheyCameFrom() throws {
        let heldOutPrompts = Set(try EvalItem.load(from: URL(fileURLWithPath: Self.heldOut)).compactMap { $0.messages.last?.content })
        for model in [Self.encoderDecoder, Self.decoderOnly] {
            let r = try runDuet(["inspect", model, "--json"])
            try #require(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.contains("bf16") || r.stdout.contains("BF16"), "\(r.stdout)")
            let provenance = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: model + "/duet_model.json"))))
            #expect(provenance["weights"] == .string("trained"))
            // Its suggested prompts are held-out questions (never seen in training).
            guard case let .array(examples)? = provenance["examples"], !examples.isEmpty else { Issue.record("no examples in \(model)"); continue }
            for case let .string(example) in examples { #expect(heldOutPrompts.contains(example), "\(example)") }
        }
    }

    /// Thresholds sit well below what the recipe measured on these files (assets/models/README.md), so a
    /// different CPU's rounding cannot fail them, and far above what a model that has not learned the tasks scores.
    @Test func bothModelsAnswerHeldOutQuestions() throws {
        let encoderDecoder = try accuracies(Self.encoderDecoder, perTask: 20)
        let decoderOnly = try accuracies(Self.decoderOnly, perTask: 20)
        #expect(encoderDecoder["overall", default: 0] >= 0.18, "\(encoderDecoder)")  // measured 27.8%
        #expect(decoderOnly["overall", default: 0] >= 0.30, "\(decoderOnly)")  // 42.2%
        #expect(encoderDecoder["copy", default: 0] >= 0.35, "\(encoderDecoder)")  // 55%
        #expect(decoderOnly["copy", default: 0] >= 0.5, "\(decoderOnly)")  // 75%
    }

    /// The first line of the reply on screen: the line under the reply's header (the model's name).
    static func reply(_ screen: String) -> String? {
        let lines = screen.split(separator: "\n").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " │")) }
        guard let header = lines.firstIndex(of: "duet-mini-mini-it"), header + 1 < lines.count else { return nil }
        return lines[header + 1]
    }

    /// Types `question` in a new chat with `model` and returns the first line of the reply.
    static func ask(_ t: Tmux, _ question: String, model: String = "duet-mini-mini-it") -> String? {
        t.keys("C-n")
        t.waitFor("Chatting with \(model)")
        t.keys(question, literal: true)
        t.keys("Enter")
        return reply(t.waitFor(" tok · "))
    }

    /// What the issue asks of `make run`: a fresh launch (no database, no models of the user's) opens the
    /// chat on the bundled encoder-decoder, answers a held-out question, and compares against the decoder-only model.
    @Test func aFreshLaunchChatsWithTheEncoderDecoderAndItAnswers() throws {
        let home = temporaryDuetHome()
        let t = Tmux()
        t.start(duetCommand(home: home, environment: "DUET_ASSETS='\(Self.assets)'"), cols: 120, rows: 32)
        defer { t.stop() }
        let welcome = t.waitFor("Chatting with duet-mini-mini-it")
        // The empty chat suggests held-out prompts this model answered right (recorded by the recipe).
        let examples = try #require(try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Self.encoderDecoder + "/duet_model.json"))))["examples"])
        guard case let .array(list) = examples, case let .string(first)? = list.first else { Issue.record("no examples"); return }
        #expect(welcome.contains("It answers small tasks; try:") && welcome.contains("“\(first)”"), "\(welcome)")
        // A held-out passage question (heldout-eval.jsonl; the names never occur in training), pasted as a user would.
        t.paste("Loru lives in Trunon. His job is nurse. His friend is Toshos.\n\nWho is a friend of Loru?")
        t.keys("Enter")
        let screen = t.waitFor(" tok · ")
        #expect(Self.reply(screen) == "▌ Toshos", "\(screen)")
        // And a held-out arithmetic question in a new chat.
        #expect(Self.ask(t, "What is 7 * 10?") == "▌ 70", "\(t.screen())")
        t.keys("F3")
        let compare = t.waitFor("duet-mini-it")
        #expect(compare.contains("duet-mini-mini-it"), "\(compare)")
    }
}
