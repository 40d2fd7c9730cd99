import Foundation
import Testing
@testable import Engine

@Suite struct CrossEntropyTests {
    static func ref(_ logits: [Double], _ targets: [Int32], vocab: Int) -> [Double] {
        targets.enumerated().map { r, t in
            if t == -100 { return 0 }
            let row = logits[r * vocab..<(r + 1) * vocab], m = row.max()!
            return m + log(row.reduce(0) { $0 + exp($1 - m) }) - logits[r * vocab + Int(t)]
        }
    }

    @Test func lossCountAndGradientWithIgnoredRows() {
        var rng = TestRandom(seed: 40)
        let rows = 5, vocab = 1100 // > one 1024-element block
        var logits = rng.floats(rows * vocab, -8, 8)
        logits[2 * vocab + 7] = 90 // large logit: stable
        let targets: [Int32] = [3, -100, 7, 1099, -100]
        var d = [Float](repeating: .nan, count: logits.count), rowLosses = [Float](repeating: .nan, count: rows)
        let (loss, count) = CrossEntropy.forward(logits: logits, targets: targets, rows: rows, vocab: vocab,
                                                 gradScale: 0.5, dLogits: &d, rowLosses: &rowLosses)
        let refRows = Self.ref(logits.map(Double.init), targets, vocab: vocab)
        #expect(count == 3)
        #expect(abs(loss - refRows.reduce(0, +)) < 1e-5 * max(1, abs(loss)))
        #expect(maxScaledError(rowLosses, refRows) < 1e-6)
        #expect(d[vocab..<2 * vocab].allSatisfy { $0 == 0 } && d[4 * vocab..<5 * vocab].allSatisfy { $0 == 0 })
        // Gradient of 0.5 * sum(loss) by finite differences (sampled entries incl. the targets).
        var idx = sampleIndices(logits.count, limit: 60, rng: &rng)
        idx += [3, 2 * vocab + 7, 3 * vocab + 1099, vocab + 5]
        let numeric = numericGradient(logits, indices: idx, step: 1e-3) { 0.5 * Self.ref($0, targets, vocab: vocab).reduce(0, +) }
        #expect(relativeError(idx.map { Double(d[$0]) }, numeric) < 1e-4)
        // Rows of the gradient sum to zero (softmax minus one-hot).
        #expect(abs(d[0..<vocab].reduce(0, +)) < 1e-5)
    }

    @Test func gradientMayOverwriteLogitsInPlace() {
        var rng = TestRandom(seed: 41)
        let rows = 3, vocab = 50
        let logits = rng.floats(rows * vocab, -4, 4)
        let targets: [Int32] = [0, 49, -100]
        var separate = [Float](repeating: 0, count: logits.count)
        let a = CrossEntropy.forward(logits: logits, targets: targets, rows: rows, vocab: vocab, dLogits: &separate)
        var inPlace = logits
        let b = inPlace.withUnsafeMutableBufferPointer {
            CrossEntropy.forward(logits: $0.baseAddress!, targets: targets, rows: rows, vocab: vocab, dLogits: $0.baseAddress!)
        }
        #expect(a.loss == b.loss && a.count == 2 && b.count == 2)
        #expect(inPlace == separate)
        let none = CrossEntropy.forward(logits: logits, targets: targets, rows: rows, vocab: vocab, dLogits: nil)
        #expect(none.loss == a.loss)
    }
}
