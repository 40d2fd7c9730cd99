import Foundation
import Testing
@testable import Engine

@Suite struct LinearTests {
    /// Linear.forward with 16-bit weights (GEMV path for rows <= 4, skinny bf16 kernel up to 16, blocked widening path above)
    /// against sgemm on the same weights widened to f32.
    @Test(arguments: [DType.bf16, .f16], [1, 3, 4, 5, 9, 16, 17])
    func sixteenBitForwardMatchesWidenedSgemm(dtype: DType, rows: Int) {
        var rng = TestRandom(seed: 50 + UInt64(rows))
        let outF = 300, inF = 133 // odd sizes: vector tails, several worker chunks
        let w16 = Tensor(shape: [outF, inF], values: rng.floats(outF * inF)).converted(to: dtype)
        let w32 = w16.converted(to: .f32)
        let x = rng.floats(rows * inF)
        var expected = [Float](repeating: 0, count: rows * outF), got = expected
        Linear.forward(x, rows: rows, weight: w32, into: &expected)
        Linear.forward(x, rows: rows, weight: w16, into: &got)
        #expect(maxScaledError(got, expected.map(Double.init)) < 1e-5)
        // accumulate adds onto y
        var acc = [Float](repeating: 1, count: rows * outF)
        Linear.forward(x, rows: rows, weight: w16, into: &acc, accumulate: true)
        #expect(maxScaledError(acc, expected.map { Double($0) + 1 }) < 1e-5)
    }

    @Test func backwardMatchesFiniteDifferences() {
        var rng = TestRandom(seed: 60)
        let rows = 3, inF = 7, outF = 5
        let x = rng.floats(rows * inF), wv = rng.floats(outF * inF), r = rng.floats(rows * outF)
        let w = Tensor(shape: [outF, inF], values: wv)
        let dxPrior = rng.floats(rows * inF)
        var dx = dxPrior
        var dW = [Float](repeating: 0.5, count: outF * inF)
        Linear.backward(r, x: x, rows: rows, weight: w, dx: &dx, accumulateDx: true, dW: &dW)
        let loss = { (x: [Double], w: [Double]) -> Double in
            var total = 0.0
            for i in 0..<rows {
                for o in 0..<outF {
                    var y = 0.0
                    for c in 0..<inF { y += x[i * inF + c] * w[o * inF + c] }
                    total += y * Double(r[i * outF + o])
                }
            }
            return total
        }
        let xd = x.map(Double.init), wd = wv.map(Double.init)
        let nx = numericGradient(x, indices: Array(0..<x.count)) { loss($0, wd) }
        let nw = numericGradient(wv, indices: Array(0..<wv.count)) { loss(xd, $0) }
        #expect(relativeError(zip(dx, dxPrior).map { Double($0 - $1) }, nx) < 1e-4)
        #expect(relativeError(dW.map { Double($0 - 0.5) }, nw) < 1e-4)
        // dx overwrite mode and frozen weight (dW nil).
        var dx2 = dxPrior
        Linear.backward(r, x: x, rows: rows, weight: w, dx: &dx2, dW: nil)
        #expect(relativeError(dx2.map(Double.init), nx) < 1e-4)
    }
}
