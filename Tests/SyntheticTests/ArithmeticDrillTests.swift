import Foundation
@testable import Synthetic
import Testing

/// Arithmetic drills in pretraining (`duet data synth --arithmetic-drill-percent`): correct equations, none
/// of them a held-out problem, in about the share asked for, and nothing changes without the option.
@Suite struct ArithmeticDrillTests {
    /// The operation, operands and result of a drill line ("17 + 25 = 42", "9 times 7 is 63").
    static func parse(_ line: Substring) -> (op: ArithmeticTask.Operation, a: Int, b: Int, result: Int)? {
        let words = line.split(separator: " ")
        guard words.count == 5, let a = Int(words[0]), let b = Int(words[2]), let result = Int(words[4]),
              ["=", "is"].contains(words[3]),
              let op = ArithmeticTask.drillSymbols.first(where: { $0.value.contains(String(words[1])) })?.key
        else { return nil }
        return (op, a, b, result)
    }

    @Test func everyLineIsACorrectEquationOfTheWritersSplit() throws {
        for split in DataSplit.allCases {
            var rng = SynthRandom(seed: 11)
            for _ in 0..<200 {
                let lines = ArithmeticTask.drill(split: split, &rng).split(separator: "\n")
                #expect((8...16).contains(lines.count))
                for line in lines {
                    let e = try #require(Self.parse(line), "not an equation: \(line)")
                    #expect(ArithmeticTask.apply(e.op, e.a, e.b) == e.result, "\(line)")
                    #expect(DataSplit.of(taskKey: ArithmeticTask.key(e.op, e.a, e.b)) == split, "\(line)")
                }
            }
        }
    }

    @Test func aDataSetWithDrillsHasTheShareAskedForAndNoHeldOutProblem() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("duet-drill-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = SynthOptions(sizeMB: 0.3, seed: 5, evalPerTask: 10)
        options.arithmeticDrillPercent = 20
        let report = try SyntheticDataset.write(to: directory, options: options)
        let documents = report.pretrainDocuments.values.reduce(0, +)
        let drills = report.pretrainDocuments[.arithmeticDrill, default: 0]
        #expect(drills * 100 > documents * 12 && drills * 100 < documents * 28, "\(drills) of \(documents)")
        let pretrain = try String(contentsOf: directory.appendingPathComponent("pretrain.txt"), encoding: .utf8)
        var equations = 0
        for line in pretrain.split(separator: "\n") {
            guard let e = Self.parse(line) else { continue }
            equations += 1
            #expect(DataSplit.of(taskKey: ArithmeticTask.key(e.op, e.a, e.b)) == .train, "held-out problem: \(line)")
        }
        #expect(equations >= drills * 8)
    }

    @Test func withoutTheOptionThereAreNoDrills() throws {
        #expect(SyntheticDatasetTests.shared.report.pretrainDocuments[.arithmeticDrill, default: 0] == 0)
        var options = SynthOptions(sizeMB: 1, seed: 1)
        options.arithmeticDrillPercent = 101
        #expect(throws: SynthError.invalidOption(field: "arithmetic-drill-percent", reason: "must be in 0...100")) {
            try options.validate()
        }
    }
}
