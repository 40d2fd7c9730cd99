import Foundation
@testable import Synthetic
import Testing
@testable import Engine

/// The linear probe on toy sets whose answer is known, and the statements it is run on.
@Suite struct LinearProbeTests {
    /// Points in 8 dimensions; the label is the sign of a fixed direction (plus `noise` flipped labels).
    func toy(_ n: Int, seed: UInt64, flip: Double = 0) -> ([[Float]], [Bool]) {
        var rng = SynthRandom(seed: seed)
        let direction: [Float] = [1, -2, 0.5, 0, 0, 3, -1, 0]
        var x: [[Float]] = [], y: [Bool] = []
        for _ in 0..<n {
            let row = (0..<8).map { _ in Float(rng.int(in: -1000...1000)) / 1000 }
            var label = zip(row, direction).reduce(0) { $0 + $1.0 * $1.1 } > 0
            if Double(rng.int(in: 0...999)) / 1000 < flip { label.toggle() }
            x.append(row)
            y.append(label)
        }
        return (x, y)
    }

    @Test func separableSetsAreLearntAndRandomLabelsAreNot() {
        let (x, y) = toy(400, seed: 1), (xt, yt) = toy(200, seed: 2)
        let probe = LinearProbe.validated(features: x, labels: y).probe
        #expect(probe.accuracy(features: xt, labels: yt) > 0.95)
        // Labels with no relation to the features: held-out accuracy near chance.
        var rng = SynthRandom(seed: 3)
        let random = (0..<400).map { _ in rng.chance(50) }, randomTest = (0..<400).map { _ in rng.chance(50) }
        let (xr, _) = toy(400, seed: 4), (xrt, _) = toy(400, seed: 5)
        let noise = LinearProbe.validated(features: xr, labels: random).probe.accuracy(features: xrt, labels: randomTest)
        #expect(abs(noise - 0.5) < 0.1, "\(noise)")
    }

    @Test func statementsAreBalancedSeededAndWellFormed() {
        let train = ProbeStatements.make(count: 200, split: .train, seed: 1)
        let test = ProbeStatements.make(count: 100, split: .heldOut, seed: 2)
        #expect(train.count == 200 && train.filter(\.label).count == 100)
        #expect(test.filter(\.label).count == 50)
        #expect(ProbeStatements.make(count: 200, split: .train, seed: 1) == train)
        for example in train + test {
            #expect(example.text.contains("\nQuestion: ") && example.text.contains("\nAnswer: "))
        }
    }

    @Test func olderQuestionsAreBalancedAndAnsweredByTheStatedAges() {
        let examples = ProbeStatements.older(count: 60, split: .heldOut, seed: 9)
        #expect(examples.filter(\.label).count == 30)
        for e in examples {
            // Both ages are in the text; the label says whether the first-named person is the older.
            let question = e.text.components(separatedBy: "Question: Is ").last!
            let parts = question.dropLast().components(separatedBy: " older than ")
            #expect(parts.count == 2)
            #expect(e.text.contains(parts[0]) && e.text.contains(parts[1]))
            // The passage's only numbers are the two ages, in the order the people are described.
            let passage = e.text.components(separatedBy: "\n\nQuestion")[0]
            let ages = passage.split { !$0.isNumber }.compactMap { Int($0) }
            #expect(ages.count == 2, "\(passage)")
            guard ages.count == 2, let first = passage.range(of: parts[0]), let second = passage.range(of: parts[1]) else { continue }
            let askedFirstIsDescribedFirst = first.lowerBound < second.lowerBound
            let olderIsDescribedFirst = ages[0] > ages[1]
            #expect(e.label == (askedFirstIsDescribedFirst == olderIsDescribedFirst), "\(e.text)")
        }
    }
}
