import Foundation
import Testing
@testable import Engine

/// The distillation loss of the LM head: `W · soft CE + (1 − W) · hard CE` against the soft-capped
/// logits, its gradients checked by finite differences of a double-precision reference.
@Suite struct SoftTargetLossTests {
    struct Case {
        let rows = 5, d = 6, vocab = 11, k = 3
        let cap: Float = 2.5
        let weight: Float = 0.7
        let normalizer = 7   // as if two more targets sat in another micro-batch
        var h: [Float], table: [Float]
        let targets: [Int32] = [3, -100, 0, 10, 7]
        let ids: [Int32] = [3, 5, 9, 0, 0, 0, 2, 0, 1, 10, 4, 3, 6, 8, 7]
        let probabilities: [Float] = [0.5, 0.3, 0.2, 0, 0, 0, 0.6, 0.4, 0, 0.1, 0.1, 0.8, 0.2, 0.2, 0.6]

        init() {
            var rng = TestRandom(seed: 11)
            h = rng.floats(rows * d, -1.5, 1.5)
            table = rng.floats(vocab * d, -1, 1)
        }

        /// The loss in double from `h` and `table`.
        func reference(h: [Double], table: [Double]) -> (loss: Double, hard: Double, soft: Double) {
            var total = 0.0, hardSum = 0.0, softSum = 0.0
            for r in 0..<rows where targets[r] != -100 {
                var z = [Double](repeating: 0, count: vocab)
                for v in 0..<vocab {
                    var s = 0.0
                    for j in 0..<d { s += h[r * d + j] * table[v * d + j] }
                    z[v] = Double(cap) * Foundation.tanh(s / Double(cap))
                }
                let m = z.max()!
                let lse = m + Foundation.log(z.reduce(0) { $0 + Foundation.exp($1 - m) })
                let hard = lse - z[Int(targets[r])]
                var soft = 0.0
                for j in 0..<k { soft += Double(probabilities[r * k + j]) * (lse - z[Int(ids[r * k + j])]) }
                hardSum += hard
                softSum += soft
                total += Double(1 - weight) * hard + Double(weight) * soft
            }
            return (total / Double(normalizer), hardSum, softSum)
        }
    }

    /// Runs the head's training loss and backward; returns the sums, dH and dTable.
    func analytic(_ c: Case) -> (sums: LossSums, dH: [Float], dTable: [Float]) {
        let table = Tensor(shape: [c.vocab, c.d], values: c.table)
        let h = Pinned(c.h)
        let logits = Pinned([Float](repeating: 0, count: c.rows * c.vocab))
        let dLogits = Pinned([Float](repeating: 0, count: c.rows * c.vocab))
        let dH = Pinned([Float](repeating: 0, count: c.rows * c.d))
        let dTable = Pinned([Float](repeating: 0, count: c.vocab * c.d))
        LanguageModelHead.forward(h.pointer, rows: c.rows, table: table, softCap: c.cap, into: logits.pointer)
        let targets = LossTargets(hard: c.targets, soft: SoftTargets(k: c.k, ids: c.ids, probabilities: c.probabilities),
                                  softWeight: c.weight, normalizer: c.normalizer)
        let sums = LanguageModelHead.trainingLossAndBackward(h.pointer, rows: c.rows, table: table, softCap: c.cap,
                                                             logits: logits.pointer, dLogits: dLogits.pointer,
                                                             targets: targets, dTable: dTable.pointer, dH: dH.pointer)
        return (sums, dH.array, dTable.array)
    }

    @Test func lossMatchesTheDoubleReference() {
        let c = Case()
        let result = analytic(c)
        let ref = c.reference(h: c.h.map(Double.init), table: c.table.map(Double.init))
        #expect(result.sums.count == 4)
        #expect(abs(result.sums.hard - ref.hard) < 1e-5)
        #expect(abs(result.sums.soft - ref.soft) < 1e-5)
        #expect(abs(result.sums.combined / Double(c.normalizer) - ref.loss) < 1e-6)
    }

    @Test func gradientsMatchFiniteDifferences() {
        let c = Case()
        let result = analytic(c)
        let table = c.table.map(Double.init)
        let numericH = numericGradient(c.h, indices: Array(0..<(c.rows * c.d))) { c.reference(h: $0, table: table).loss }
        #expect(relativeError(result.dH.map(Double.init), numericH) < 1e-3)
        let h = c.h.map(Double.init)
        let numericTable = numericGradient(c.table, indices: Array(0..<(c.vocab * c.d))) { c.reference(h: h, table: $0).loss }
        #expect(relativeError(result.dTable.map(Double.init), numericTable) < 1e-3)
    }

    @Test func withoutSoftTargetsItIsThePlainHeadLoss() {
        let c = Case()
        let table = Tensor(shape: [c.vocab, c.d], values: c.table)
        let h = Pinned(c.h)
        let logits = Pinned([Float](repeating: 0, count: c.rows * c.vocab))
        LanguageModelHead.forward(h.pointer, rows: c.rows, table: table, softCap: c.cap, into: logits.pointer)
        func run(_ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Float)
            -> (Float, [Float], [Float]) {
            let dLogits = Pinned([Float](repeating: 0, count: c.rows * c.vocab))
            let dH = Pinned([Float](repeating: 0, count: c.rows * c.d))
            let dTable = Pinned([Float](repeating: 0, count: c.vocab * c.d))
            let loss = body(dLogits.pointer, dH.pointer, dTable.pointer)
            return (loss, dH.array, dTable.array)
        }
        let plain = run { dl, dh, dt in
            c.targets.withUnsafeBufferPointer { t in
                LanguageModelHead.lossAndBackward(h.pointer, rows: c.rows, table: table, softCap: c.cap, logits: logits.pointer,
                                                  dLogits: dl, targets: t.baseAddress!, dTable: dt, dH: dh).loss
            }
        }
        let training = run { dl, dh, dt in
            let sums = LanguageModelHead.trainingLossAndBackward(h.pointer, rows: c.rows, table: table, softCap: c.cap,
                                                                 logits: logits.pointer, dLogits: dl,
                                                                 targets: LossTargets(hard: c.targets), dTable: dt, dH: dh)
            return Float(sums.combined / Double(sums.count))
        }
        #expect(plain.0 == training.0)
        #expect(plain.1 == training.1)
        #expect(plain.2 == training.2)
    }

    @Test func zeroWeightIgnoresTheSoftTargetsInTheGradient() {
        var c = Case()
        c.h = c.h.map { $0 * 0.5 }
        let table = Tensor(shape: [c.vocab, c.d], values: c.table)
        let logits = Pinned([Float](repeating: 0, count: c.rows * c.vocab))
        let h = Pinned(c.h)
        LanguageModelHead.forward(h.pointer, rows: c.rows, table: table, softCap: c.cap, into: logits.pointer)
        let dA = Pinned([Float](repeating: 0, count: c.rows * c.vocab)), dB = Pinned([Float](repeating: 0, count: c.rows * c.vocab))
        let soft = c.ids.withUnsafeBufferPointer { ids in
            c.probabilities.withUnsafeBufferPointer { p in
                c.targets.withUnsafeBufferPointer { t in
                    SoftTargetCrossEntropy.forward(logits: logits.pointer, targets: t.baseAddress!, softIDs: ids.baseAddress!,
                                                   softProbabilities: p.baseAddress!, k: c.k, rows: c.rows, vocab: c.vocab,
                                                   softWeight: 0, gradScale: 0.25, dLogits: dA.pointer)
                }
            }
        }
        let hard = c.targets.withUnsafeBufferPointer { t in
            CrossEntropy.forward(logits: logits.pointer, targets: t.baseAddress!, rows: c.rows, vocab: c.vocab,
                                 gradScale: 0.25, dLogits: dB.pointer)
        }
        #expect(abs(soft.hard - hard.loss) < 1e-12)
        #expect(soft.soft > 0)
        for i in 0..<(c.rows * c.vocab) { #expect(abs(dA.array[i] - dB.array[i]) < 1e-7) }
    }
}
