import Foundation
@testable import Synthetic
import Testing

/// Generated tasks: every reply passes its own check, answers agree with an independent reading of
/// the prompt, and problems and names stay on their side of the train / held-out divide.
@Suite struct TaskGeneratorTests {
    /// `count` instances of every task, single and two-turn, for `split`.
    static func instances(_ split: DataSplit, count: Int, seed: UInt64) -> [TaskInstance] {
        var generator = TaskGenerator(split: split)
        var rng = SynthRandom(seed: seed)
        return TaskType.allCases.flatMap { task in (0..<count).map { i in generator.make(task, twoTurn: i % 3 == 0, &rng) } }
    }

    static let train = instances(.train, count: 300, seed: 11)
    static let heldOut = instances(.heldOut, count: 150, seed: 12)

    @Test func everyReplyPassesItsOwnCheck() {
        for instance in Self.train + Self.heldOut {
            #expect(!instance.turns.isEmpty && instance.turns.count <= 2)
            for turn in instance.turns {
                #expect(TaskChecker.isCorrect(reply: turn.reply, answer: turn.answer, check: turn.check),
                        "\(instance.task): \(turn.user) -> \(turn.reply) vs \(turn.answer) (\(turn.check))")
                #expect(!turn.answer.isEmpty && !turn.user.isEmpty)
            }
            // The evaluated prompt ends with the user's last question.
            #expect(instance.prompt.last?.role == .user && instance.prompt.count == 2 * instance.turns.count - 1)
        }
    }

    @Test func problemsAndNamesStayInTheirSplit() {
        let trainPrompts = Set(Self.train.map { $0.turns[0].user })
        for instance in Self.train { #expect(DataSplit.of(taskKey: instance.key) == .train) }
        for instance in Self.heldOut {
            #expect(DataSplit.of(taskKey: instance.key) == .heldOut)
            #expect(!trainPrompts.contains(instance.turns[0].user))
        }
        var names = NameGenerator(split: .heldOut)
        var rng = SynthRandom(seed: 5)
        let drawn = names.next(500, &rng)
        #expect(Set(drawn).count == 500)
        for name in drawn {
            #expect(DataSplit.of(name: name) == .heldOut)
            #expect(!Lexicon.allWords.contains(name.lowercased()))
            #expect(name.first!.isUppercase && name.count >= 2)
        }
        // About one name in eight is held out.
        var all = 0, held = 0
        var r = SynthRandom(seed: 6)
        for _ in 0..<8000 {
            all += 1
            if DataSplit.of(name: NameGenerator.candidate(&r)) == .heldOut { held += 1 }
        }
        #expect(abs(Double(held) / Double(all) - 0.125) < 0.02)
    }

    /// The list of a list task, from its key ("sort ascending pen, cup"); the prompt must show it as written.
    func promptList(_ instance: TaskInstance) throws -> [String] {
        let key = instance.key
        let prefix = try #require(["sort ascending ", "sort descending ", "reverse ", "dedupe "].first(where: key.hasPrefix))
        let list = String(key.dropFirst(prefix.count))
        #expect(instance.turns[0].user.contains(list), "\(instance.turns[0].user) does not show \(list)")
        return list.components(separatedBy: ", ")
    }

    @Test func listAnswersAgreeWithThePromptsList() throws {
        for instance in Self.train + Self.heldOut where [.sort, .reverse, .dedupe].contains(instance.task) {
            let first = instance.turns[0]
            guard first.check == .list else { continue }  // letter reversal is checked below
            let items = try promptList(instance), answer = first.answer.components(separatedBy: ", ")
            switch instance.task {
            case .sort:
                #expect(answer.sorted() == items.sorted(), "\(first.user)")
                let numeric = items.allSatisfy { Int($0) != nil }
                let ordered = numeric ? zip(answer, answer.dropFirst()).allSatisfy { Int($0)! <= Int($1)! }
                    || zip(answer, answer.dropFirst()).allSatisfy { Int($0)! >= Int($1)! }
                    : zip(answer, answer.dropFirst()).allSatisfy { $0.lowercased() <= $1.lowercased() }
                #expect(ordered, "\(first.user) -> \(first.answer)")
            case .reverse:
                #expect(answer == items.reversed())
            default:
                #expect(Set(answer) == Set(items) && answer.count == Set(items).count && items.count > answer.count)
                var firsts: [String] = []
                for x in items where !firsts.contains(x) { firsts.append(x) }
                #expect(answer == firsts)
            }
        }
    }

    @Test func passageAnswersAreInThePassage() {
        for instance in Self.train + Self.heldOut where instance.task == .passageQA {
            let passage = instance.turns[0].user.lowercased()
            for turn in instance.turns {
                let answer = turn.answer.lowercased()
                if turn.check == .number, let n = Int(answer) {
                    #expect(passage.contains(" \(n) ") || passage.contains(" \(n).") || passage.contains(Lexicon.numberWord(n) + " "),
                            "\(turn.user) -> \(answer)")
                } else {
                    #expect(passage.contains(answer), "\(turn.user) -> \(answer)")
                }
            }
        }
    }

    @Test func bareArithmeticAgreesWithAnIndependentReading() throws {
        var checked = 0
        for instance in Self.train + Self.heldOut where instance.task == .arithmetic {
            let user = instance.turns[0].user
            let numbers = user.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            guard numbers.count == 2, !user.contains(" has "), !user.contains(" had ") else { continue }
            let (a, b) = (numbers[0], numbers[1])
            let expected: Int
            // "Subtract 3 from 9", "take 3 away from 9", "3 subtracted from 9", "3 less than 9": the second minus the first.
            if user.contains(" from ") || user.contains("less than") { expected = b - a }
            else if user.contains("-") || user.contains("minus") || user.contains("difference") { expected = a - b }
            else if user.contains("take away") || user.contains("taken away") { expected = a - b }
            else if ["*", " x ", "times", "product", "ultipl", "groups of", "sets of"].contains(where: user.contains) { expected = a * b }
            else { expected = a + b }
            #expect(instance.turns[0].answer == String(expected), "\(user)")
            #expect(expected >= 0)
            checked += 1
        }
        #expect(checked > 200)
    }

    @Test func ciphersAndCaseChangesInvertEachOther() {
        for instance in Self.train where instance.turns.count == 2 && [.cipher, .capitalise].contains(instance.task) {
            // The follow-up undoes the first change: its answer is the text the first request showed.
            let first = instance.turns[0].user
            if instance.task == .cipher {
                #expect(first.contains(instance.turns[1].answer), "\(first)")
            } else {
                #expect(first.lowercased().contains(instance.turns[1].answer.lowercased()), "\(first)")
            }
        }
    }
}
