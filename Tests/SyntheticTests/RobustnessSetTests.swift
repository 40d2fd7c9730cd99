import Foundation
@testable import Synthetic
import Testing

/// The robustness set: deterministic, distinct items of every kind, in phrasings, names and words the
/// training data never uses, with answers of the training form.
@Suite struct RobustnessSetTests {
    /// 500 items of every kind: enough for every template to be used.
    static let generated: [TaskType: [RobustnessSet.Generated]] = {
        var out: [TaskType: [RobustnessSet.Generated]] = [:]
        for task in TaskType.allCases { out[task] = try! RobustnessSet.generate(task, count: 500, seed: 7) }
        return out
    }()

    static var allGenerated: [RobustnessSet.Generated] { TaskType.allCases.flatMap { generated[$0]! } }

    /// 50,000 training chats, half of them two-turn.
    static let trainingChats: [TaskInstance] = {
        var generator = TaskGenerator(split: .train)
        var rng = SynthRandom(seed: 20)
        return (0..<50_000).map { _ in generator.makeAny(twoTurnPercent: 50, &rng) }
    }()

    static let trainingUserMessages = trainingChats.flatMap { $0.turns.map(\.user) }

    /// Every word of the training user messages, lowercased; without the cipher chats' if `ciphers` is
    /// false (their encoded words are any letters: "umay" is pig latin for "mu").
    static func trainingWords(ciphers: Bool) -> Set<String> {
        var words = Set<String>()
        for chat in trainingChats where ciphers || chat.task != .cipher {
            for turn in chat.turns {
                words.formUnion(turn.user.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init))
            }
        }
        return words
    }

    /// The training user messages lowercased, as one C string (messages separated by U+0001).
    static let trainingCorpus: [CChar] = trainingUserMessages.joined(separator: "\u{1}").lowercased().utf8CString.map { $0 }

    /// Every robustness template: first requests and follow-ups of every kind.
    static var allTemplates: [RobustTemplate] {
        TaskType.allCases.flatMap { let p = RobustnessSet.phrasings(for: $0); return p.requests + p.followUps }
    }

    /// Whether `needle` occurs in the C string `haystack` (glibc's `strstr` is fast on megabytes).
    static func occurs(_ needle: String, in haystack: [CChar]) -> Bool {
        haystack.withUnsafeBufferPointer { strstr($0.baseAddress!, needle) != nil }
    }

    @Test func robustSetIsDeterministicForASeed() throws {
        let a = try RobustnessSet.items(perTask: 12, seed: 3), b = try RobustnessSet.items(perTask: 12, seed: 3)
        #expect(a == b)
        #expect(a != (try RobustnessSet.items(perTask: 12, seed: 4)))
        // Each kind has its own stream: fewer items per task are the first of more.
        let more = try RobustnessSet.items(perTask: 20, seed: 3)
        for task in TaskType.allCases {
            let few = a.filter { $0.task == task.rawValue }, many = more.filter { $0.task == task.rawValue }
            #expect(Array(many.prefix(few.count)) == few, "\(task)")
        }
        #expect(throws: RobustnessSetError.invalidPerTask(0)) { try RobustnessSet.items(perTask: 0, seed: 1) }
    }

    @Test func robustSetHasPerTaskDistinctItemsOfEveryKind() throws {
        let items = try RobustnessSet.items(perTask: 50, seed: 1)
        #expect(items.count == 50 * TaskType.allCases.count)
        #expect(Set(items.map(\.jsonLine)).count == items.count, "items are distinct")
        for (index, task) in TaskType.allCases.enumerated() {
            #expect(items[(50 * index)..<(50 * index + 50)].allSatisfy { $0.task == task.rawValue }, "\(task) in order")
        }
        for item in items {
            #expect(item.messages.last?.role == .user && [1, 3].contains(item.messages.count))
        }
        // About 30% two-turn, the follow-up being the evaluated turn.
        let twoTurn = Double(items.filter { $0.messages.count == 3 }.count) / Double(items.count)
        #expect(twoTurn > 0.2 && twoTurn < 0.4, "\(twoTurn)")
        for generated in Self.allGenerated {
            // Problems the training generator makes too are held out; the others have robustness words
            // or names, or codes with capitals and a dash.
            let instance = generated.instance
            let numbers = keyList(instance.key)?.allSatisfy { Int($0) != nil } ?? false
            if instance.task == .arithmetic || (numbers && [.sort, .reverse, .dedupe].contains(instance.task)) {
                #expect(DataSplit.of(taskKey: instance.key) == .heldOut, "\(instance.key)")
            }
            #expect(generated.item.messages == generated.instance.prompt)
            #expect(generated.item.answer == generated.instance.finalTurn.answer)
        }
    }

    @Test func robustNamesUseLettersTrainingNamesNever() {
        // Training names are spelled from these parts only, none with a marker letter ...
        let trainingLetters = Set((NameGenerator.onsets + NameGenerator.vowels + NameGenerator.codas).joined())
        #expect(trainingLetters.isDisjoint(with: RobustNameGenerator.markerLetters))
        // ... and 100,000 candidates bear it out.
        var rng = SynthRandom(seed: 8)
        for _ in 0..<100_000 {
            let name = NameGenerator.candidate(&rng).lowercased()
            if name.contains(where: RobustNameGenerator.markerLetters.contains) { Issue.record("training name \(name)") }
        }
        // Every name handed out for the set (a superset of those its items show: the robustness
        // generators have no other source of names).
        let names = Self.allGenerated.flatMap(\.names)
        #expect(Set(names).count > 1000)
        for name in Set(names) {
            #expect(name.lowercased().contains(where: RobustNameGenerator.markerLetters.contains), "\(name)")
            #expect(name.first!.isUppercase && name.dropFirst().allSatisfy(\.isLowercase) && name.count >= 3, "\(name)")
            #expect(!Lexicon.allWords.contains(name.lowercased()) && !RobustWords.all.contains(name.lowercased()))
            // Held out, so not a made-up training word either (those are of the training split).
            #expect(DataSplit.of(name: name) == .heldOut, "\(name)")
        }
        let lowercased = Set(names.map { $0.lowercased() }), trainingWords = Self.trainingWords(ciphers: false)
        #expect(lowercased.isDisjoint(with: trainingWords), "\(lowercased.intersection(trainingWords).sorted())")
        // No repeats within an item.
        var generator = RobustNameGenerator()
        var r = SynthRandom(seed: 9)
        #expect(Set(generator.next(2000, &r)).count == 2000)
    }

    @Test func robustWordsAreNewToTheTrainingData() throws {
        #expect(RobustWords.list.count >= 140 && RobustWords.all.count == RobustWords.list.count)
        #expect(RobustWords.list.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isLowercase } })
        #expect(RobustWords.all.isDisjoint(with: Lexicon.allWords))
        #expect(RobustWords.countables.allSatisfy { RobustWords.all.contains($0.singular) })
        // Not a name the training generator could make either ("tiger" could be one: ti-ge-r).
        let onsets = NameGenerator.onsets.joined(separator: "|"), vowels = NameGenerator.vowels.joined()
        let codas = NameGenerator.codas.filter { !$0.isEmpty }.joined(separator: "|")
        let nameShape = try Regex("^(\(onsets))?[\(vowels)]((\(onsets))[\(vowels)]){1,2}(\(codas))?$")
        for word in RobustWords.list { #expect(word.wholeMatch(of: nameShape) == nil, "\(word) has a training name's shape") }
        // Nor a made-up training word: consonants and vowels alternating.
        let consonants = String(NameGenerator.wordConsonants), wordVowels = String(NameGenerator.wordVowels)
        let madeUpShape = try Regex("^[\(wordVowels)]?([\(consonants)][\(wordVowels)])*[\(consonants)]?$")
        for word in RobustWords.list { #expect(word.wholeMatch(of: madeUpShape) == nil, "\(word) could be made up") }
        let trainingWords = Self.trainingWords(ciphers: true)
        #expect(RobustWords.all.isDisjoint(with: trainingWords), "\(RobustWords.all.intersection(trainingWords).sorted())")
    }

    @Test func robustPhrasingsNeverOccurInTrainingPrompts() {
        for task in TaskType.allCases {
            let phrasings = RobustnessSet.phrasings(for: task)
            #expect(phrasings.requests.count >= 5, "\(task): \(phrasings.requests.count) phrasings")
            #expect(phrasings.followUps.count >= 3, "\(task): \(phrasings.followUps.count) follow-ups")
        }
        #expect(Set(Self.allTemplates).count == Self.allTemplates.count, "no template twice")
        var checked = 0
        for template in Self.allTemplates {
            for literal in template.literals where literal.count >= 12 {
                checked += 1
                let used = Self.occurs(literal.lowercased(), in: Self.trainingCorpus)
                #expect(!used, "\"\(literal)\" of \"\(template)\" is in a training prompt")
            }
        }
        #expect(checked > 150)
    }

    @Test func everyRobustTemplateIsUsed() {
        for task in TaskType.allCases {
            let users = Self.generated[task]!.flatMap { $0.instance.turns.map(\.user) }
            let phrasings = RobustnessSet.phrasings(for: task)
            for template in phrasings.requests + phrasings.followUps {
                let longest = template.literals.max { $0.count < $1.count }!
                #expect(users.contains { $0.contains(longest) }, "\(task): \"\(template)\" never used")
            }
        }
    }

    @Test func robustTemplatesReadTheirSlots() {
        let template: RobustTemplate = "Could you tell me what {a} plus {b} is? {x"
        #expect(template.slots == ["a", "b"])
        #expect(template.literals == ["Could you tell me what ", " plus ", " is? {x"])
        #expect(template.render(["a": "17", "b": "25", "c": "unused"]) == "Could you tell me what 17 plus 25 is? {x")
        #expect(RobustTemplate("{passage}\n\n{question}").literals == ["\n\n"])
    }

    /// The list in a list task's key ("sort ascending pepper, jar" -> ["pepper", "jar"]).
    func keyList(_ key: String) -> [String]? {
        let prefixes = ["sort ascending ", "sort descending ", "reverse ", "dedupe ", "items "]
        if let p = prefixes.first(where: key.hasPrefix) { return key.dropFirst(p.count).components(separatedBy: ", ") }
        if key.hasPrefix("occurrences ") { return key.split(separator: " ", maxSplits: 2)[2].components(separatedBy: ", ") }
        return nil
    }

    @Test func robustAnswersPassTheirChecksAndCoverListLengths() throws {
        var lengths: [TaskType: Set<Int>] = [:]
        for generated in Self.allGenerated {
            let instance = generated.instance, task = instance.task
            for turn in instance.turns {
                #expect(TaskChecker.isCorrect(reply: turn.reply, answer: turn.answer, check: turn.check),
                        "\(task): \(turn.user) -> \(turn.answer) (\(turn.check))")
                // The plain form: digits for numbers, "a, b, c" for lists, nothing after the answer.
                switch turn.check {
                case .number: #expect(Int(turn.answer).map(String.init) == turn.answer && Int(turn.answer)! >= 0, "\(turn.answer)")
                case .list: #expect(TextTransforms.joinList(turn.answer.components(separatedBy: ", ")) == turn.answer
                                    && !turn.answer.hasSuffix("."))
                default: #expect(!turn.answer.isEmpty && turn.answer == turn.answer.trimmingCharacters(in: .whitespaces))
                }
            }
            if let list = keyList(instance.key) {
                lengths[task, default: []].insert(list.count)
                // The first answer from the key's list, worked out here independently.
                let first = instance.turns[0]
                #expect(first.user.contains(list.joined(separator: ", ")), "\(first.user)")
                let numeric = list.allSatisfy { Int($0) != nil }
                let expected: String
                switch task {
                case .sort:
                    let ascending = numeric ? list.sorted { Int($0)! < Int($1)! } : list.sorted { $0.lowercased() < $1.lowercased() }
                    expected = (instance.key.hasPrefix("sort descending") ? ascending.reversed() : ascending).joined(separator: ", ")
                case .reverse: expected = list.reversed().joined(separator: ", ")
                case .dedupe: expected = list.enumerated().filter { !list[..<$0.offset].contains($0.element) }.map(\.element)
                    .joined(separator: ", ")
                default:
                    let item = instance.key.split(separator: " ")[1]
                    expected = String(instance.key.hasPrefix("items ") ? list.count : list.filter { $0 == item }.count)
                }
                #expect(first.answer == expected, "\(first.user) -> \(first.answer)")
            }
            if task == .arithmetic {
                // The first answer from the key, operands in the trained ranges.
                let parts = instance.key.split(separator: " ").map(String.init)
                let a = try #require(Int(parts[1])), b = try #require(Int(parts[2]))
                let expected = switch parts[0] { case "add": a + b; case "subtract": a - b; default: a * b }
                #expect(instance.turns[0].answer == String(expected) && expected >= 0)
                #expect(parts[0] == "multiply" ? a <= 12 && b <= 12 : a <= 99 && b <= 99)
            }
        }
        for task in [TaskType.sort, .reverse, .dedupe, .counting] {
            #expect(lengths[task] == Set(2...8), "\(task): \(lengths[task, default: []].sorted())")
        }
    }
}
