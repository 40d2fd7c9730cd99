import DuetCore
import Foundation
@testable import Synthetic
import Testing
@testable import Engine
@testable import Tokenizers

/// Bootstrap intervals of accuracies and paired differences, and the `duet eval diff` comparison.
@Suite struct BootstrapTests {
    @Test func accuracyIntervalMatchesTheBinomialSpread() {
        // 50 of 100 right: the normal approximation gives 0.5 ± 1.96·0.05 = 0.402-0.598.
        let half = (0..<100).map { $0 % 2 == 0 }
        let ci = Bootstrap.accuracy(half)
        #expect(abs(ci.low - 0.402) < 0.025 && abs(ci.high - 0.598) < 0.025)
        #expect(ci.low < 0.5 && ci.high > 0.5)
        // No spread when every item agrees.
        #expect(Bootstrap.accuracy(Array(repeating: true, count: 40)) == .init(low: 1, high: 1))
        #expect(Bootstrap.accuracy([]) == .init(low: 0, high: 0))
        // Seeded: the same interval every time.
        #expect(Bootstrap.accuracy(half) == Bootstrap.accuracy(half))
    }

    @Test func pairedDifferenceSeesOnlyTheItemsOnWhichTheModelsDisagree() {
        let a = (0..<200).map { $0 % 4 != 0 }          // 75%
        #expect(Bootstrap.pairedDifference(a, a) == .init(low: 0, high: 0))
        // B loses 20 of A's items: +10 points, and the interval is narrow because only those 20 differ.
        var b = a
        var lost = 0
        for i in b.indices where b[i] && lost < 20 { b[i] = false; lost += 1 }
        let ci = Bootstrap.pairedDifference(a, b)
        #expect(ci.excludesZero && ci.low > 0.05 && ci.high < 0.15)
        // Unpaired-looking noise: A and B each right on half, on different items, is no difference.
        let x = (0..<200).map { $0 % 2 == 0 }, y = (0..<200).map { $0 % 2 == 1 }
        #expect(!Bootstrap.pairedDifference(x, y).excludesZero)
    }

    @Test func comparisonPoolsRunsAndRefusesDifferentItems() throws {
        let run = [("copy", true), ("copy", true), ("sort", false), ("sort", true)].map { (task: $0.0, correct: $0.1) }
        let worse = [("copy", false), ("copy", true), ("sort", false), ("sort", false)].map { (task: $0.0, correct: $0.1) }
        let comparison = try PairedComparison(a: [run, run], b: [worse, worse])
        #expect(comparison.rows.map(\.task) == ["copy", "sort", "overall"])
        #expect(comparison.rows.map(\.items) == [4, 4, 8])
        #expect(comparison.rows[2].accuracyA == 0.75 && comparison.rows[2].accuracyB == 0.25)
        #expect(comparison.table(nameA: "enc-dec", nameB: "dec").contains("+50.0"))
        let shuffled = [run[2], run[0], run[1], run[3]]
        #expect(throws: PairedComparisonError.differentItems(run: 1)) { try PairedComparison(a: [run], b: [shuffled]) }
        #expect(throws: PairedComparisonError.runCounts(2, 1)) { try PairedComparison(a: [run, run], b: [run]) }
    }

    @Test func reportJSONCarriesItemsThatTheComparisonReads() throws {
        let items = [EvalItem(task: "copy", messages: [ChatMessage(role: .user, content: "Copy: a")], answer: "a", check: .exact),
                     EvalItem(task: "copy", messages: [ChatMessage(role: .user, content: "Copy: b")], answer: "b", check: .exact)]
        let report = try TaskEvaluation.run(items: items) { $0.answer == "a" ? "a" : "c" }
        let data = Data(JSONWriter.string(report.json, indent: nil).utf8)
        let outcomes = try PairedComparison.outcomes(ofReport: data, file: "r.json")
        #expect(outcomes.map(\.correct) == [true, false])
        #expect(report.table.contains("95% CI"))
        #expect(throws: PairedComparisonError.notAReport(file: "x.json")) {
            try PairedComparison.outcomes(ofReport: Data("{}".utf8), file: "x.json")
        }
    }
}
