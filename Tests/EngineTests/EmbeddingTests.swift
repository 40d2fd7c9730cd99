import Foundation
import Testing
@testable import Engine

@Suite struct EmbeddingTests {
    @Test(arguments: [DType.f32, .bf16, .f16])
    func forwardWidensAndScales(dtype: DType) {
        var rng = TestRandom(seed: 30)
        let vocab = 11, dim = 19
        let table = Tensor(shape: [vocab, dim], values: rng.floats(vocab * dim)).converted(to: dtype)
        let wide = table.toArray()
        let ids: [Int32] = [3, 0, 10, 3]
        var out = [Float](repeating: .nan, count: ids.count * dim)
        let ok = Embedding.forward(ids: ids, count: ids.count, table: table, scale: 48, into: &out)
        #expect(ok)
        for (i, id) in ids.enumerated() {
            for j in 0..<dim { #expect(out[i * dim + j] == wide[Int(id) * dim + j] * 48) }
        }
    }

    @Test func outOfRangeIdsGiveZeroRowsAndFalse() {
        let table = Tensor(shape: [4, 3], values: (0..<12).map(Float.init))
        let ids: [Int32] = [1, 4, -1, 2]
        var out = [Float](repeating: .nan, count: 12)
        #expect(!Embedding.forward(ids: ids, count: 4, table: table, scale: 1, into: &out))
        #expect(out == [3, 4, 5, 0, 0, 0, 0, 0, 0, 6, 7, 8])
    }

    @Test func backwardAccumulatesSkipsPaddingAndMatchesFiniteDifferences() {
        var rng = TestRandom(seed: 31)
        let vocab = 6, dim = 5, scale: Float = 2.5
        let ids: [Int32] = [2, 0, 2, 5, 0, 1] // repeated ids accumulate; id 0 is padding
        let tableValues = rng.floats(vocab * dim), r = rng.floats(ids.count * dim)
        var dTable = [Float](repeating: 1, count: vocab * dim)
        Embedding.backward(r, ids: ids, count: ids.count, dim: dim, scale: scale, paddingID: 0, dTable: &dTable)
        // loss = <forward(ids), r>; padding rows are frozen (no gradient), as nn.Embedding(padding_idx).
        let loss = { (t: [Double]) -> Double in
            var total = 0.0
            for (i, id) in ids.enumerated() where id != 0 {
                for j in 0..<dim { total += t[Int(id) * dim + j] * Double(scale) * Double(r[i * dim + j]) }
            }
            return total
        }
        let numeric = numericGradient(tableValues, indices: Array(0..<vocab * dim), loss: loss)
        #expect(relativeError(dTable.map { Double($0 - 1) }, numeric) < 1e-5)
        #expect(dTable[0..<dim].allSatisfy { $0 == 1 })   // padding row untouched
        #expect(dTable[3 * dim..<4 * dim].allSatisfy { $0 == 1 }) // unused id untouched
        // Without a padding id, id 0 gets its gradient.
        var dAll = [Float](repeating: 0, count: vocab * dim)
        Embedding.backward(r, ids: ids, count: ids.count, dim: dim, scale: 1, paddingID: nil, dTable: &dAll)
        #expect(abs(dAll[0] - (r[1 * dim] + r[4 * dim])) < 1e-6)
    }
}
