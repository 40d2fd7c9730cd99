import Foundation
import Testing
@testable import Engine

@Suite struct RoPETests {
    /// HF Gemma 2 rotary embedding, spelled out step by step in f32.
    static func hfRotate(_ x: [Float], tokens: Int, heads: Int, hd: Int, positions: [Int32], theta: Float) -> [Float] {
        var out = x
        let half = hd / 2
        for t in 0..<tokens {
            for h in 0..<heads {
                let base = (t * heads + h) * hd
                for j in 0..<half {
                    let invFreq = 1 / powf(theta, Float(2 * j) / Float(hd))
                    let angle = Float(positions[t]) * invFreq
                    let c = cosf(angle), s = sinf(angle)
                    let a = x[base + j], b = x[base + j + half]
                    out[base + j] = a * c + (-b) * s        // q * cos + rotate_half(q) * sin
                    out[base + j + half] = b * c + a * s
                }
            }
        }
        return out
    }

    @Test func forwardMatchesHFFormulaBitForBit() {
        var rng = TestRandom(seed: 20)
        let tokens = 5, heads = 3, hd = 16
        let positions: [Int32] = [0, 1, 7, 4095, 8191]
        let x = rng.floats(tokens * heads * hd)
        var y = x
        let rope = RoPE(headDim: hd, theta: 10_000)
        rope.forward(&y, tokens: tokens, heads: heads, positions: positions)
        #expect(y == Self.hfRotate(x, tokens: tokens, heads: heads, hd: hd, positions: positions, theta: 10_000))
        // Position 0 is the identity.
        #expect(Array(y[0..<heads * hd]) == Array(x[0..<heads * hd]))
    }

    /// A training batch repeats positions (each row at 0..<T): the rotation then reads cos/sin from a
    /// table of the distinct positions, which must give the per-token bits, forward and backward.
    @Test func repeatedPositionsRotateBitForBitAsTokenByToken() {
        var rng = TestRandom(seed: 22)
        let heads = 2, hd = 16, rows = 3, length = 9
        let positions: [Int32] = (0..<rows).flatMap { r in (0..<length).map { Int32(r == 2 ? $0 + 5 : $0) } }
        let tokens = positions.count
        let x = rng.floats(tokens * heads * hd)
        let rope = RoPE(headDim: hd, theta: 10_000)
        var batched = x
        rope.forward(&batched, tokens: tokens, heads: heads, positions: positions)
        #expect(batched == Self.hfRotate(x, tokens: tokens, heads: heads, hd: hd, positions: positions, theta: 10_000))
        var gradient = x, oneByOne = x
        rope.backward(&gradient, tokens: tokens, heads: heads, positions: positions)
        for t in 0..<tokens {
            var token = Array(oneByOne[t * heads * hd..<(t + 1) * heads * hd])
            rope.backward(&token, tokens: 1, heads: heads, positions: [positions[t]])
            oneByOne.replaceSubrange(t * heads * hd..<(t + 1) * heads * hd, with: token)
        }
        #expect(gradient == oneByOne)
    }

    @Test func backwardIsTheTransposeAndMatchesFiniteDifferences() {
        var rng = TestRandom(seed: 21)
        let tokens = 4, heads = 2, hd = 8
        let positions: [Int32] = [3, 0, 100, 17]
        let rope = RoPE(headDim: hd, theta: 10_000)
        let x = rng.floats(tokens * heads * hd), r = rng.floats(tokens * heads * hd)
        var g = r
        rope.backward(&g, tokens: tokens, heads: heads, positions: positions)
        // loss = <rope(x), r>  =>  dloss/dx = ropeᵀ r. The rotation is linear; evaluate it in double.
        let loss = { (xd: [Double]) -> Double in
            var total = 0.0
            for t in 0..<tokens {
                for h in 0..<heads {
                    let base = (t * heads + h) * hd
                    for j in 0..<hd / 2 {
                        let angle = Double(Float(positions[t]) * (1 / powf(10_000, Float(2 * j) / Float(hd))))
                        let a = xd[base + j], b = xd[base + j + hd / 2]
                        total += (a * cos(angle) - b * sin(angle)) * Double(r[base + j])
                        total += (b * cos(angle) + a * sin(angle)) * Double(r[base + j + hd / 2])
                    }
                }
            }
            return total
        }
        let numeric = numericGradient(x, indices: Array(0..<x.count), loss: loss)
        #expect(relativeError(g.map(Double.init), numeric) < 1e-5)
        // backward(forward(x)) == x
        var roundTrip = x
        rope.forward(&roundTrip, tokens: tokens, heads: heads, positions: positions)
        rope.backward(&roundTrip, tokens: tokens, heads: heads, positions: positions)
        #expect(maxScaledError(roundTrip, x.map(Double.init)) < 1e-6)
    }
}
