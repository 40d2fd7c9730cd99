import Foundation
import Testing
@testable import Engine

@Suite struct RMSNormTests {
    static func ref(_ x: [Double], _ w: [Double], rows: Int, dim: Int, eps: Double) -> [Double] {
        var y = x
        for r in 0..<rows {
            let row = x[r * dim..<(r + 1) * dim]
            let inv = 1 / (row.reduce(0) { $0 + $1 * $1 } / Double(dim) + eps).squareRoot()
            for j in 0..<dim { y[r * dim + j] = x[r * dim + j] * inv * (1 + w[j]) }
        }
        return y
    }

    @Test func forwardMatchesReferenceAndSavesRstd() {
        var rng = TestRandom(seed: 10)
        let rows = 6, dim = 67
        let x = rng.floats(rows * dim, -3, 3), w = rng.floats(dim, -0.5, 0.5)
        var y = [Float](repeating: 0, count: x.count), rstd = [Float](repeating: 0, count: rows)
        RMSNorm.forward(x, weight: w, rows: rows, dim: dim, eps: 1e-6, into: &y, rstd: &rstd)
        #expect(maxScaledError(y, Self.ref(x.map(Double.init), w.map(Double.init), rows: rows, dim: dim, eps: 1e-6)) < 1e-6)
        for r in 0..<rows {
            let ms = x[r * dim..<(r + 1) * dim].reduce(0.0) { $0 + Double($1) * Double($1) } / Double(dim)
            #expect(abs(Double(rstd[r]) * (ms + 1e-6).squareRoot() - 1) < 1e-6)
        }
        // y may alias x.
        var z = x
        z.withUnsafeMutableBufferPointer { RMSNorm.forward($0.baseAddress!, weight: w, rows: rows, dim: dim, eps: 1e-6, into: $0.baseAddress!, rstd: nil) }
        #expect(z == y)
    }

    /// Random input, weight and output gradient, and the forward's saved `1/rms`, for a backward test.
    static func forwardCase(_ rng: inout TestRandom, rows: Int, dim: Int, eps: Float)
        -> (x: [Float], w: [Float], dy: [Float], rstd: [Float]) {
        let x = rng.floats(rows * dim, -2, 2), w = rng.floats(dim, -0.5, 0.5), dy = rng.floats(rows * dim)
        var y = [Float](repeating: 0, count: x.count), rstd = [Float](repeating: 0, count: rows)
        RMSNorm.forward(x, weight: w, rows: rows, dim: dim, eps: eps, into: &y, rstd: &rstd)
        return (x, w, dy, rstd)
    }

    @Test func backwardMatchesFiniteDifferences() {
        var rng = TestRandom(seed: 11)
        let rows = 4, dim = 37, eps: Float = 1e-6
        let (x, w, r, rstd) = Self.forwardCase(&rng, rows: rows, dim: dim, eps: eps)
        let prior = rng.floats(x.count)
        var dx = prior
        var dW = [Float](repeating: 0.25, count: dim) // accumulates onto existing values
        RMSNorm.backward(r, x: x, weight: w, rstd: rstd, rows: rows, dim: dim, dx: &dx, accumulate: true, dWeight: &dW)
        let loss = { (x: [Double], w: [Double]) in zip(Self.ref(x, w, rows: rows, dim: dim, eps: Double(eps)), r).reduce(0) { $0 + $1.0 * Double($1.1) } }
        let wd = w.map(Double.init), xd = x.map(Double.init)
        let nx = numericGradient(x, indices: Array(0..<x.count)) { loss($0, wd) }
        let nw = numericGradient(w, indices: Array(0..<dim)) { loss(xd, $0) }
        #expect(relativeError(zip(dx, prior).map { Double($0 - $1) }, nx) < 1e-4)
        #expect(relativeError(dW.map { Double($0 - 0.25) }, nw) < 1e-4)
        // Overwrite mode, no weight gradient.
        var dx2 = prior
        RMSNorm.backward(r, x: x, weight: w, rstd: rstd, rows: rows, dim: dim, dx: &dx2, accumulate: false, dWeight: nil)
        #expect(relativeError(dx2.map(Double.init), nx) < 1e-4)
    }

    /// Enough rows for the backward to split them over the workers (2048 rows of 32: two chunks on two
    /// cores), so the weight gradient comes from per-chunk partials; checked against the closed form in f64.
    @Test func backwardOverManyRowsMatchesClosedForm() {
        var rng = TestRandom(seed: 12)
        let rows = 2048, dim = 32, eps: Float = 1e-6
        let (x, w, dy, rstd) = Self.forwardCase(&rng, rows: rows, dim: dim, eps: eps)
        var dx = [Float](repeating: 0, count: x.count), dW = [Float](repeating: 0.5, count: dim)
        RMSNorm.backward(dy, x: x, weight: w, rstd: rstd, rows: rows, dim: dim, dx: &dx, accumulate: false, dWeight: &dW)
        var expectedDx = [Double](repeating: 0, count: x.count), expectedDW = [Double](repeating: 0.5, count: dim)
        for row in 0..<rows {
            let span = row * dim..<(row + 1) * dim
            let r = 1 / (x[span].reduce(0.0) { $0 + Double($1) * Double($1) } / Double(dim) + Double(eps)).squareRoot()
            let g = span.map { Double(dy[$0]) * (1 + Double(w[$0 - row * dim])) }
            let gx = zip(g, span).reduce(0.0) { $0 + $1.0 * Double(x[$1.1]) }
            for (j, i) in span.enumerated() {
                expectedDx[i] = r * g[j] - r * r * r / Double(dim) * gx * Double(x[i])
                expectedDW[j] += r * Double(dy[i]) * Double(x[i])
            }
        }
        #expect(maxScaledError(dx, expectedDx) < 1e-5)
        #expect(maxScaledError(dW, expectedDW) < 1e-5)
        // A frozen norm (no weight gradient) gives the same input gradient, split over the workers by rows.
        var frozenDx = [Float](repeating: 0, count: x.count)
        RMSNorm.backward(dy, x: x, weight: w, rstd: rstd, rows: rows, dim: dim, dx: &frozenDx, accumulate: false, dWeight: nil)
        #expect(frozenDx == dx)
    }

    /// The fused post-norm and residual add gives the same bits as the norm followed by the add, also
    /// written over the residual itself.
    @Test func forwardAddingEqualsNormThenAdd() {
        var rng = TestRandom(seed: 13)
        let rows = 300, dim = 200
        let x = rng.floats(rows * dim, -3, 3), w = rng.floats(dim, -0.5, 0.5), residual = rng.floats(rows * dim, -1, 1)
        var normed = [Float](repeating: 0, count: x.count), rstd = [Float](repeating: 0, count: rows)
        RMSNorm.forward(x, weight: w, rows: rows, dim: dim, eps: 1e-6, into: &normed, rstd: &rstd)
        var expected = [Float](repeating: 0, count: x.count)
        VectorOps.add(residual, normed, count: x.count, into: &expected)
        var fused = [Float](repeating: 0, count: x.count), fusedRstd = [Float](repeating: 0, count: rows)
        RMSNorm.forwardAdding(x, weight: w, residual: residual, rows: rows, dim: dim, eps: 1e-6, into: &fused, rstd: &fusedRstd)
        #expect(fused == expected)
        #expect(fusedRstd == rstd)
        var inPlace = residual
        inPlace.withUnsafeMutableBufferPointer {
            RMSNorm.forwardAdding(x, weight: w, residual: $0.baseAddress!, rows: rows, dim: dim, eps: 1e-6,
                                  into: $0.baseAddress!, rstd: nil)
        }
        #expect(inPlace == expected)
    }
}
