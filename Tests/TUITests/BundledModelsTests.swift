import DuetCore
import Engine
import Foundation
@testable import Synthetic
import Testing

/// The models Duet ships in assets/models (made by tools/recipe/default-models.sh): what a fresh
/// `make run` opens. They must load, answer held-out questions (`duet eval tasks` on the held-out set
/// the recipe evaluated) and questions of the robustness set (phrasings, names and words training never
/// uses), and a fresh launch must chat with the encoder-decoder and answer both kinds.
@Suite struct BundledModelsTests {
    static let assets = repositoryRoot.appendingPathComponent("assets").path
    static let encoderDecoder = assets + "/models/duet-mini-mini-it"
    static let decoderOnly = assets + "/models/duet-mini-it"
    static let heldOut = assets + "/models/heldout-eval.jsonl"
    static let robustness = assets + "/models/robustness-eval.jsonl"

    /// Accuracy per task and overall of `model` on the first `perTask` items of every task of `set`.
    func accuracies(_ model: String, on set: String = heldOut, perTask: Int) throws -> [String: Double] {
        let r = try runDuet(["eval", "tasks", "--model", model, "--eval", set, "--limit-per-task", "\(perTask)",
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
        #expect(encoderDecoder["overall", default: 0] >= 0.62, "\(encoderDecoder)")  // measured 71.7%
        #expect(decoderOnly["overall", default: 0] >= 0.56, "\(decoderOnly)")  // 65.6%
        #expect(encoderDecoder["copy", default: 0] >= 0.85, "\(encoderDecoder)")  // 100%
        #expect(decoderOnly["copy", default: 0] >= 0.80, "\(decoderOnly)")  // 95%
        #expect(encoderDecoder["passage_qa", default: 0] >= 0.70, "\(encoderDecoder)")  // 85%
        // The paper's direction, on the committed files: the encoder-decoder answers more (11 items ahead here).
        #expect(encoderDecoder["overall", default: 0] > decoderOnly["overall", default: 0], "\(encoderDecoder) \(decoderOnly)")
    }

    /// The robustness set is far harder for these small models (measured 32.8% and 33.3% on these items);
    /// passage questions with unseen names and phrasings are what they answer best (80% and 70%).
    @Test func bothModelsAnswerSomeRobustnessQuestions() throws {
        for model in [Self.encoderDecoder, Self.decoderOnly] {
            let accuracy = try accuracies(model, on: Self.robustness, perTask: 20)
            #expect(accuracy["overall", default: 0] >= 0.25, "\(model): \(accuracy)")
            #expect(accuracy["passage_qa", default: 0] >= 0.55, "\(model): \(accuracy)")
        }
    }

    /// A fresh `duet` on the bundled models (a new home unless `home` is given) in a 120 x 32 tmux pane.
    static func launch(home: String = temporaryDuetHome()) -> Tmux {
        let t = Tmux()
        t.start(duetCommand(home: home, environment: "DUET_ASSETS='\(assets)'"), cols: 120, rows: 32)
        return t
    }

    /// The first line of the reply on screen: the line under the reply's header (the model's name), in
    /// the transcript right of the chat list's border.
    static func reply(_ screen: String) -> String? {
        let lines = screen.split(separator: "\n").map { line in
            (line.firstIndex(of: "│").map { line[line.index(after: $0)...] } ?? line[...]).trimmingCharacters(in: .whitespaces)
        }
        guard let header = lines.firstIndex(of: "duet-mini-mini-it"), header + 1 < lines.count else { return nil }
        return lines[header + 1]
    }

    /// Types `question` in a new chat with `model` and returns the first line of the reply.
    static func ask(_ t: Tmux, _ question: String, model: String = "duet-mini-mini-it") -> String? {
        t.keys("C-n")
        t.waitFor("Chatting with \(model)")
        t.keys(question, literal: true)
        t.keys("Enter")
        return reply(waitForReply(t))
    }

    /// The screen once a reply has ended: its stats line shows why it stopped (the line may wrap, so the
    /// stop reason, not the token count, marks the end).
    static func waitForReply(_ t: Tmux) -> String {
        t.waitFor { s in ["end of turn", "max tokens", "stop sequence", "context full"].contains { s.contains($0) } }
    }

    /// What the issue asks of `make run`: a fresh launch (no database, no models of the user's) opens the
    /// chat on the bundled encoder-decoder, answers a held-out question, and compares against the decoder-only model.
    @Test func aFreshLaunchChatsWithTheEncoderDecoderAndItAnswers() throws {
        let t = Self.launch()
        defer { t.stop() }
        // The empty chat suggests held-out prompts this model answered right (recorded by the recipe).
        let examples = try #require(try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Self.encoderDecoder + "/duet_model.json"))))["examples"])
        guard case let .array(list) = examples, case let .string(first)? = list.first else { Issue.record("no examples"); return }
        // Waits for every line it asserts: the welcome can be caught half drawn.
        let welcome = t.waitFor(all: ["Chatting with duet-mini-mini-it", "It answers small tasks; try:", "“\(first)”"])
        #expect(welcome.contains("It answers small tasks; try:") && welcome.contains("“\(first)”"), "\(welcome)")
        // A held-out passage question (heldout-eval.jsonl; the names never occur in training), pasted as a user would.
        t.paste("Hele lives in Kroleza. She likes the color gold best. Hele likes to eat jam.\n\nWhat is Hele's favorite color?")
        t.keys("Enter")
        let screen = Self.waitForReply(t)
        #expect(Self.reply(screen) == "▌ gold", "\(screen)")
        // And a held-out arithmetic question in a new chat.
        #expect(Self.ask(t, "What is 10 times 5?") == "▌ 50", "\(t.screen())")
        t.keys("F3")
        let compare = t.waitFor(all: ["duet-mini-it", "duet-mini-mini-it"])
        #expect(compare.contains("duet-mini-mini-it"), "\(compare)")
    }

    /// Questions of the robustness set (assets/models/robustness-eval.jsonl: phrasings the training data
    /// never uses, names it never samples), typed into a fresh launch as a user would.
    @Test func aFreshLaunchAnswersRobustnessQuestions() throws {
        let t = Self.launch()
        defer { t.stop() }
        t.waitFor("Chatting with duet-mini-mini-it")
        #expect(Self.ask(t, "Duplicate this text exactly: dirty bucket ladder rich") == "▌ dirty bucket ladder rich", "\(t.screen())")
        #expect(Self.ask(t, "Give me this list backwards: Wunuvu, Wasix, Gopuy, Swuphi, Twaga")
                == "▌ Twaga, Swuphi, Gopuy, Wasix, Wunuvu", "\(t.screen())")
        t.keys("C-n")
        t.waitFor("Chatting with duet-mini-mini-it")
        t.paste("Please read this carefully:\nName: Lakwe. Job: guard. Age: 71. Town: Crudes.\nName: Glayax. Sister: Jakwan. "
                + "Friend: Twahoy. Pet: a silver goat named Wiyuck.\n\nNow tell me: Who is Glayax's sister?")
        t.keys("Enter")
        let screen = Self.waitForReply(t)
        #expect(Self.reply(screen) == "▌ Jakwan", "\(screen)")
    }
}
