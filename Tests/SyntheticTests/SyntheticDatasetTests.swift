import DuetCore
import Foundation
@testable import Synthetic
import Testing
@testable import Tokenizers

/// `SyntheticDataset.write`: determinism, size, file formats, and that held-out names and problems never
/// reach the training files.
@Suite struct SyntheticDatasetTests {
    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("duet-synth-\(UUID().uuidString)")
    }

    /// One shared small data set for the format and split tests.
    static let shared: (directory: URL, report: SynthReport) = {
        let dir = temporaryDirectory()
        let report = try! SyntheticDataset.write(to: dir, options: SynthOptions(sizeMB: 0.4, seed: 7, evalPerTask: 40))
        return (dir, report)
    }()

    static func text(_ name: String) throws -> String {
        try String(contentsOf: shared.directory.appendingPathComponent(name), encoding: .utf8)
    }

    @Test func sameSeedGivesByteIdenticalFilesAndAnotherSeedDoesNot() throws {
        let a = Self.temporaryDirectory(), b = Self.temporaryDirectory(), c = Self.temporaryDirectory()
        defer { for d in [a, b, c] { try? FileManager.default.removeItem(at: d) } }
        let options = SynthOptions(sizeMB: 0.25, seed: 3, evalPerTask: 20)
        try SyntheticDataset.write(to: a, options: options)
        try SyntheticDataset.write(to: b, options: options)
        var other = options
        other.seed = 4
        try SyntheticDataset.write(to: c, options: other)
        for name in ["pretrain.txt", "sft.jsonl", "valid.txt", "eval.jsonl", "README.md", "stats.json"] {
            let x = try Data(contentsOf: a.appendingPathComponent(name))
            #expect(!x.isEmpty, "\(name) is empty")
            #expect(x == (try Data(contentsOf: b.appendingPathComponent(name))), "\(name) differs between runs")
            if name != "README.md" && name != "stats.json" {
                #expect(x != (try Data(contentsOf: c.appendingPathComponent(name))), "\(name) ignores the seed")
            }
        }
        // The evaluation set depends on the seed only, not on the size of the training files.
        let bigger = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: bigger) }
        var larger = options
        larger.sizeMB = 0.4
        try SyntheticDataset.write(to: bigger, options: larger)
        #expect(try Data(contentsOf: a.appendingPathComponent("eval.jsonl"))
            == (try Data(contentsOf: bigger.appendingPathComponent("eval.jsonl"))))
    }

    @Test func sizeIsNearTheTarget() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try SyntheticDataset.write(to: dir, options: SynthOptions(sizeMB: 1, seed: 1, evalPerTask: 5))
        let attributes = { (name: String) in
            try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(name).path)[.size] as! Int
        }
        let train = try attributes("pretrain.txt") + attributes("sft.jsonl")
        #expect(abs(Double(train) - 1e6) < 1e5, "pretrain + sft = \(train) bytes")
        #expect(abs(Double(try attributes("sft.jsonl")) - 5e5) < 5e4)
        #expect(try attributes("valid.txt") >= SynthOptions.minimumValidBytes)
        for (name, bytes) in report.files { #expect(try attributes(name) == bytes, "\(name)") }
    }

    @Test func heldOutNamesNeverAppearInTrainingFiles() throws {
        let report = Self.shared.report
        #expect(report.heldOutNames.count > 200)
        let held = Set(report.heldOutNames)
        for name in held { #expect(DataSplit.of(name: name) == .heldOut, "\(name)") }
        var trainWords = Set<Substring>()
        for file in ["pretrain.txt", "sft.jsonl"] {
            let text = try Self.text(file)
            trainWords.formUnion(text.split(whereSeparator: { !$0.isLetter }))
        }
        // As written, or in capitals (the copy task's follow-up writes names in upper case).
        let leaked = held.filter { trainWords.contains(Substring($0)) || trainWords.contains(Substring($0.uppercased())) }
        #expect(leaked.isEmpty, "held-out names in training files: \(leaked.prefix(10))")
        // And the held-out files do use held-out names, and no training names.
        var heldWords = Set<Substring>()
        for file in ["valid.txt", "eval.jsonl"] {
            heldWords.formUnion(try Self.text(file).split(whereSeparator: { !$0.isLetter }))
        }
        #expect(heldWords.filter { held.contains(String($0)) }.count > 100)
        // Every other name-like word there (capital then small letters, not a lexicon word) is one the
        // training files use too, capitalised or not, or a word of the request grammar (a small data set need
        // not draw every one of its verbs): template words such as "What", "Sort" or "Echo".
        var grammarWords = Set<Substring>()
        var rng = SynthRandom(seed: 8)
        for (_, draw) in RequestGrammarTests.grammars {
            for _ in 0..<2000 { grammarWords.formUnion(draw(&rng).lowercased().split(whereSeparator: { !$0.isLetter })) }
        }
        let unknown = heldWords.filter { word in
            word.count > 1 && word.first!.isUppercase && word.dropFirst().allSatisfy(\.isLowercase)
                && !Lexicon.allWords.contains(word.lowercased()) && !held.contains(String(word)) && !trainWords.contains(word)
                && !trainWords.contains(Substring(word.lowercased())) && !grammarWords.contains(Substring(word.lowercased()))
        }
        #expect(unknown.isEmpty, "capitalised words of held-out files that are neither held-out names nor training words: \(unknown.prefix(10))")
    }

    @Test func heldOutQuestionsAreNotTrainingQuestions() throws {
        var trainFirstQuestions = Set<String>()
        for line in try Self.text("sft.jsonl").split(separator: "\n") {
            let value = try JSONParser.parse(Array(line.utf8))
            guard case let .array(messages)? = value["messages"], case let .string(first)? = messages.first?["content"]
            else { Issue.record("bad line \(line)"); continue }
            trainFirstQuestions.insert(first)
        }
        let items = try EvalItem.load(from: Self.shared.directory.appendingPathComponent("eval.jsonl"))
        for item in items { #expect(!trainFirstQuestions.contains(item.messages[0].content), "\(item.messages[0].content)") }
    }

    @Test func sftLinesAreValidChatsThatPassTheirChecks() throws {
        let lines = try Self.text("sft.jsonl").split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "")
        var twoTurn = 0
        for line in lines.dropLast() {
            let value = try JSONParser.parse(Array(line.utf8))
            guard case let .object(members) = value, members.count == 1, case let .array(messages)? = value["messages"] else {
                Issue.record("not {\"messages\": [...]}: \(line)")
                continue
            }
            #expect(messages.count == 2 || messages.count == 4)
            if messages.count == 4 { twoTurn += 1 }
            let chat = try messages.map { m -> ChatMessage in
                guard case let .string(role)? = m["role"], case let .string(content)? = m["content"],
                      let r = ChatMessage.Role(rawValue: role) else { throw EvalFileError.empty(file: String(line)) }
                return ChatMessage(role: r, content: content)
            }
            #expect(chat.enumerated().allSatisfy { $0.element.role == ($0.offset % 2 == 0 ? .user : .model) })
            _ = try ChatTemplate.render(chat, addGenerationPrompt: false)
        }
        #expect(twoTurn > 0 && twoTurn < lines.count / 2)
        let counted = Self.shared.report.sft.values.reduce(0) { $0 + $1.total }
        #expect(counted == lines.count - 1)
    }

    @Test func evalFileHasEveryTaskAndParses() throws {
        let items = try EvalItem.load(from: Self.shared.directory.appendingPathComponent("eval.jsonl"))
        for task in TaskType.allCases {
            let mine = items.filter { $0.task == task.rawValue }
            #expect(mine.count == 40, "\(task): \(mine.count)")
            #expect(mine.contains { $0.messages.count == 3 } && mine.contains { $0.messages.count == 1 })
        }
        #expect(Set(items.map(\.jsonLine)).count == items.count)
        let stats = try JSONParser.parse(Array(try Self.text("stats.json").utf8))
        #expect(stats["eval"]?["passage_qa"]?["total"] == .int(40))
        #expect(try Self.text("README.md").contains("| passage_qa |"))
    }

    @Test func documentsAreSeparatedByBlankLines() throws {
        for file in ["pretrain.txt", "valid.txt"] {
            let text = try Self.text(file)
            #expect(text.hasSuffix("\n") && !text.hasSuffix("\n\n") && !text.contains("\n\n\n"))
            let documents = text.components(separatedBy: "\n\n")
            let report = Self.shared.report
            let counts = file == "pretrain.txt" ? report.pretrainDocuments : report.validDocuments
            #expect(documents.count == counts.values.reduce(0, +))
        }
    }

    @Test func repetitionDocumentsSayOneListTwice() throws {
        var rng = SynthRandom(seed: 3)
        var writer = PretrainWriter(world: World(split: .train, people: 20, towns: 4, rng: &rng))
        let marks = ["Say it twice: ", "List: ", "Remember these: "]
        let separators = [". ", "\nThe same list: ", ". Again: ", "\nThey were: "]
        for _ in 0..<200 {
            var text = writer.document(.repetition, &rng)
            for mark in marks where text.hasPrefix(mark) { text.removeFirst(mark.count) }
            if text.hasSuffix(".") { text.removeLast() }
            let halves = separators.compactMap { sep -> (Substring, Substring)? in
                let parts = text.components(separatedBy: sep)
                return parts.count == 2 && parts[0] == parts[1] ? (Substring(parts[0]), Substring(parts[1])) : nil
            }
            let list = try #require(halves.first, "not one list said twice: \(text)").0
            let items = list.components(separatedBy: ", ")
            #expect((3...8).contains(items.count))
            for item in items where item.first!.isUppercase { #expect(DataSplit.of(name: item) == .train, "\(item)") }
        }
        // About one document in seven, by weight (15 of 100).
        #expect(Self.shared.report.pretrainDocuments[.repetition]! * 10 > Self.shared.report.pretrainDocuments.values.reduce(0, +))
    }

    @Test func invalidOptionsAreNamed() {
        #expect(throws: SynthError.invalidOption(field: "size-mb", reason: "must be in (0, 10000]")) {
            try SyntheticDataset.write(to: Self.temporaryDirectory(), options: SynthOptions(sizeMB: 0, seed: 1))
        }
        #expect(throws: SynthError.self) {
            try SynthOptions(sizeMB: 1, seed: 1, sftFraction: 1.5).validate()
        }
    }
}
