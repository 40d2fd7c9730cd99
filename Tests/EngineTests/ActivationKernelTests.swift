import Foundation
import Testing
@testable import Engine

/// Element-wise kernels (exp, tanh, GeLU, GeGLU, soft-cap, softmax) against double-precision
/// formulas, and every backward against central finite differences of a double reference loss.
@Suite struct ActivationKernelTests {
    static func geluRef(_ x: Double) -> Double { 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))) }

    @Test func expAndTanhAreAccurateToAFewUlp() {
        var xs: [Float] = stride(from: -20, through: 20, by: 0.00123).map { Float($0) }
        xs += [0, -0, 1e-30, -1e-30, 0.625, -0.625, 0.6249999, 80, -80, -87.3, 87.9]
        var ys = [Float](repeating: 0, count: xs.count)
        VectorOps.tanh(xs, count: xs.count, into: &ys)
        var worst = 0.0
        for (x, y) in zip(xs, ys) {
            let ref = Foundation.tanh(Double(x))
            worst = max(worst, abs(Double(y) - ref) / Double(Float(abs(ref)).ulp))
        }
        #expect(worst <= 4, "tanh max error \(worst) ulp")
        VectorOps.exp(xs, count: xs.count, into: &ys)
        worst = 0
        for (x, y) in zip(xs, ys) where x > -87 {
            let ref = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(y) - ref) / Double(Float(ref).ulp))
        }
        #expect(worst <= 3, "exp max error \(worst) ulp")
        // Saturation and special values.
        let special: [Float] = [-200, -.infinity, 200, .infinity, .nan]
        var out = [Float](repeating: 1, count: special.count)
        VectorOps.exp(special, count: special.count, into: &out)
        #expect(out[0] == 0 && out[1] == 0 && out[2] == .infinity && out[3] == .infinity && out[4].isNaN)
        VectorOps.tanh(special, count: special.count, into: &out)
        #expect(out[0] == -1 && out[1] == -1 && out[2] == 1 && out[3] == 1 && out[4].isNaN)
    }

    @Test func geluMatchesTanhFormulaAndItsGradient() {
        var rng = TestRandom(seed: 1)
        var x = rng.floats(1000, -8, 8)
        x += [0, -12, 12, -30, 30, 1e-8]
        var y = [Float](repeating: 0, count: x.count)
        GeLU.forward(x, count: x.count, into: &y)
        #expect(maxScaledError(y, x.map { Self.geluRef(Double($0)) }) < 1e-6)
        // In place.
        var z = x
        z.withUnsafeMutableBufferPointer { GeLU.forward($0.baseAddress!, count: x.count, into: $0.baseAddress!) }
        #expect(z == y)

        let r = rng.floats(x.count)
        var dx = [Float](repeating: 0, count: x.count)
        GeLU.backward(r, x: x, count: x.count, dx: &dx)
        let numeric = numericGradient(x, indices: Array(0..<x.count)) { xd in
            zip(xd, r).reduce(0) { $0 + Self.geluRef($1.0) * Double($1.1) }
        }
        #expect(relativeError(dx.map(Double.init), numeric) < 1e-4)
    }

    @Test func gegluForwardAndBackward() {
        var rng = TestRandom(seed: 2)
        let n = 301 // not a multiple of the vector width
        let gate = rng.floats(n, -5, 5), up = rng.floats(n, -2, 2), r = rng.floats(n)
        var h = [Float](repeating: 0, count: n)
        GeGLU.forward(gate: gate, up: up, count: n, into: &h)
        #expect(maxScaledError(h, (0..<n).map { Self.geluRef(Double(gate[$0])) * Double(up[$0]) }) < 1e-6)

        var dGate = [Float](repeating: 0, count: n), dUp = [Float](repeating: 0, count: n)
        GeGLU.backward(r, gate: gate, up: up, count: n, dGate: &dGate, dUp: &dUp)
        let loss = { (g: [Double], u: [Double]) in (0..<n).reduce(0.0) { $0 + Self.geluRef(g[$1]) * u[$1] * Double(r[$1]) } }
        let upD = up.map(Double.init), gateD = gate.map(Double.init)
        let nGate = numericGradient(gate, indices: Array(0..<n)) { loss($0, upD) }
        let nUp = numericGradient(up, indices: Array(0..<n)) { loss(gateD, $0) }
        #expect(relativeError(dGate.map(Double.init), nGate) < 1e-4)
        #expect(relativeError(dUp.map(Double.init), nUp) < 1e-4)
    }

    @Test func softCapForwardBackwardInPlace() {
        var rng = TestRandom(seed: 3)
        let cap: Float = 30
        let x = rng.floats(515, -120, 120), r = rng.floats(515)
        var y = x
        y.withUnsafeMutableBufferPointer { SoftCap.forward($0.baseAddress!, count: x.count, cap: cap, into: $0.baseAddress!) }
        #expect(maxScaledError(y, x.map { tanh(Double($0) / 30) * 30 }) < 2e-7)
        #expect(y.allSatisfy { abs($0) <= cap })
        var d = r
        d.withUnsafeMutableBufferPointer { SoftCap.backward($0.baseAddress!, y: y, count: x.count, cap: cap, dx: $0.baseAddress!) }
        let numeric = numericGradient(x, indices: Array(0..<x.count), step: 1e-3) { xd in
            zip(xd, r).reduce(0) { $0 + tanh($1.0 / 30) * 30 * Double($1.1) }
        }
        #expect(relativeError(d.map(Double.init), numeric) < 1e-4)
    }

    @Test func softmaxRowsForwardBackward() {
        var rng = TestRandom(seed: 4)
        let rows = 5, cols = 37
        var x = rng.floats(rows * cols, -10, 10)
        x[3] = 1000 // stability: a huge logit must not overflow
        let r = rng.floats(rows * cols)
        func ref(_ x: [Double]) -> [Double] {
            var y = x
            for i in 0..<rows {
                let row = x[i * cols..<(i + 1) * cols], m = row.max()!
                let e = row.map { Foundation.exp($0 - m) }, s = e.reduce(0, +)
                for j in 0..<cols { y[i * cols + j] = e[j] / s }
            }
            return y
        }
        var y = [Float](repeating: 0, count: x.count)
        Softmax.forward(x, rows: rows, cols: cols, into: &y)
        #expect(maxScaledError(y, ref(x.map(Double.init))) < 1e-6)
        var dx = [Float](repeating: 0, count: x.count)
        Softmax.backward(r, y: y, rows: rows, cols: cols, dx: &dx)
        let numeric = numericGradient(x, indices: Array(0..<x.count)) { xd in
            zip(ref(xd), r).reduce(0) { $0 + $1.0 * Double($1.1) }
        }
        #expect(relativeError(dx.map(Double.init), numeric) < 1e-4)
    }

    @Test func vectorOpsHelpers() {
        var rng = TestRandom(seed: 5)
        let a = rng.floats(1037), b = rng.floats(1037)
        var y = [Float](repeating: 0, count: a.count)
        VectorOps.add(a, b, count: a.count, into: &y)
        #expect(y == zip(a, b).map { $0 + $1 })
        VectorOps.addInPlace(&y, a, count: a.count)
        #expect(y == zip(a, b).map { ($0 + $1) + $0 })
        VectorOps.scale(&y, count: y.count, by: 0.5)
        #expect(y == zip(a, b).map { (($0 + $1) + $0) * 0.5 })
        let dotRef = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(abs(Double(VectorOps.dot(a, b, count: a.count)) - dotRef) < 1e-4)
        let ssRef = a.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(abs(VectorOps.sumOfSquares(a, count: a.count) - ssRef) / ssRef < 1e-6)
        #expect(VectorOps.dot(a, b, count: 0) == 0 && VectorOps.sumOfSquares(a, count: 0) == 0)
    }
}
