import Foundation
import Testing
@testable import Engine

/// Attention forward (both strategies) against a double-precision reference that spells out HF
/// eager semantics, and backward against finite differences of that reference.
@Suite struct AttentionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var B = 1, T: Int, S: Int, H = 2, KV = 1, hd = 4
        var causal = true, window: Int? = nil, offset = 0
        var keyValid: [Bool]? = nil, segments: [Int32]? = nil
        var scale = 0.5, softCap: Double? = nil
        /// Packed cross-attention: document ids of the queries `[B, T]` and keys `[B, S]`.
        var querySegments: [Int32]? = nil, keySegments: [Int32]? = nil
        /// Split bidirectional window (T5Gemma 2's encoder) and merged encoder keys (its decoder).
        var windowRight: Int? = nil, prefix = 0
        var testDescription: String { name }
        var shape: AttentionShape { AttentionShape(batch: B, queryLength: T, keyLength: S, heads: H, kvHeads: KV, headDim: hd) }
    }

    static let cases: [Case] = [
        Case(name: "GQA causal, soft-cap 5", B: 2, T: 9, S: 9, H: 4, KV: 2, hd: 8, scale: 1, softCap: 5),
        Case(name: "GQA causal, no cap", B: 2, T: 9, S: 9, H: 4, KV: 2, hd: 8, scale: 1),
        Case(name: "sliding window 5 over 70 tokens (crosses query blocks)", T: 70, S: 70, window: 5, softCap: 50),
        Case(name: "bidirectional window 3", T: 10, S: 10, H: 2, KV: 2, hd: 8, causal: false, window: 3, softCap: 2),
        Case(name: "key padding, left-padded rows fully masked", B: 2, T: 6, S: 6,
             keyValid: [false, false, true, true, true, true, true, true, true, false, true, true]),
        Case(name: "packed segments + window", T: 12, S: 12, window: 3, segments: [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2], softCap: 50),
        Case(name: "cross-attention T != S, batch 1 all padding", B: 2, T: 3, S: 7, H: 4, KV: 2, hd: 8, causal: false,
             keyValid: [true, true, true, true, false, true, false] + Array(repeating: false, count: 7), softCap: 50),
        Case(name: "chunk after a cache: offset 7, window 4", T: 2, S: 9, H: 4, KV: 1, window: 4, offset: 7),
        Case(name: "head dim 40 (vector body + tail), 13 keys (key blocks + rest)", T: 3, S: 13, H: 4, KV: 2, hd: 40,
             offset: 10, scale: 0.3, softCap: 50),
        Case(name: "packed bidirectional self-attention, window 3", B: 2, T: 12, S: 12, H: 2, KV: 2, hd: 8, causal: false,
             window: 3, keyValid: Array(repeating: true, count: 22) + [false, false],
             segments: [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2], softCap: 50),
        Case(name: "packed cross-attention, padded encoder rows", B: 2, T: 10, S: 13, H: 4, KV: 2, hd: 8, causal: false,
             keyValid: Array(repeating: true, count: 11) + [false, false] + Array(repeating: true, count: 10) + [false, false, false],
             softCap: 50,
             querySegments: [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1],
             keySegments: [0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
        Case(name: "packed cross-attention over query blocks: split document, query document without keys", T: 70, S: 50,
             causal: false, softCap: 50,
             querySegments: (0..<70).map { t in t < 20 ? 0 : t < 45 ? 1 : t < 60 ? 2 : 3 },
             keySegments: (0..<50).map { s in s < 10 ? 0 : s < 25 ? 1 : s < 30 ? 0 : 2 }),
        Case(name: "T5Gemma 2 encoder: window 4 split 2 left, 3 right", T: 10, S: 10, H: 2, KV: 1, hd: 8, causal: false,
             window: 2, softCap: nil, windowRight: 3),
        Case(name: "merged: 6 encoder keys (2 padded) then 8 causal own keys, window 3", B: 2, T: 8, S: 14, H: 4, KV: 2,
             hd: 8, window: 3, keyValid: [true, true, true, true, true, true] + Array(repeating: true, count: 8)
                + [true, true, true, true, false, false] + Array(repeating: true, count: 6) + [false, false], prefix: 6),
        Case(name: "merged over query blocks: 20 encoder keys, 70 own, window 5", T: 70, S: 90, H: 2, KV: 1, hd: 8,
             window: 5, prefix: 20),
        Case(name: "merged decode step: 7 encoder keys, offset 5, window 3", T: 1, S: 13, H: 4, KV: 2, hd: 8, window: 3,
             offset: 5, prefix: 7),
        Case(name: "merged packed rows: two documents, encoder keys then own", T: 6, S: 11, H: 2, KV: 1, hd: 8,
             querySegments: [0, 0, 0, 1, 1, 1], keySegments: [0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1], prefix: 5),
    ]

    static func visible(_ c: Case, b: Int, t: Int, s: Int) -> Bool {
        let qpos = c.offset + t
        // Merged attention: the first `prefix` keys are the encoder's, seen by every query (but padding
        // and documents); the causal and window rules apply to the own keys, at position s - prefix.
        if s >= c.prefix {
            let kpos = s - c.prefix, distance = qpos - kpos
            if c.causal && distance < 0 { return false }
            if let w = c.window {
                if c.causal ? distance >= w : (distance >= 0 ? distance >= w : -distance >= (c.windowRight ?? w)) { return false }
            }
        }
        if let kv = c.keyValid, !kv[b * c.S + s] { return false }
        if let seg = c.segments, seg[b * c.S + s] != seg[b * c.S + qpos] { return false }
        if let qs = c.querySegments, let ks = c.keySegments, qs[b * c.T + t] != ks[b * c.S + s] { return false }
        return true
    }

    /// out [B,T,H,hd] and P [B,H,T,S]; k, v dense [B,S,KV,hd]. A query with no visible key averages
    /// all S values (HF eager: every score + finfo.min rounds to the same value).
    static func reference(_ c: Case, q: [Double], k: [Double], v: [Double]) -> (out: [Double], probs: [Double]) {
        var out = [Double](repeating: 0, count: c.B * c.T * c.H * c.hd)
        var probs = [Double](repeating: 0, count: c.B * c.H * c.T * c.S)
        for b in 0..<c.B {
            for h in 0..<c.H {
                let g = h / (c.H / c.KV)
                for t in 0..<c.T {
                    let qo = ((b * c.T + t) * c.H + h) * c.hd
                    var scores = [Double](repeating: -.infinity, count: c.S)
                    var any = false
                    for s in 0..<c.S where visible(c, b: b, t: t, s: s) {
                        let ko = ((b * c.S + s) * c.KV + g) * c.hd
                        var dot = 0.0
                        for d in 0..<c.hd { dot += q[qo + d] * k[ko + d] }
                        var score = dot * c.scale
                        if let cap = c.softCap { score = tanh(score / cap) * cap }
                        scores[s] = score
                        any = true
                    }
                    var p = [Double](repeating: 1 / Double(c.S), count: c.S)
                    if any {
                        let m = scores.max()!
                        let e = scores.map { exp($0 - m) }
                        let sum = e.reduce(0, +)
                        p = e.map { $0 / sum }
                    }
                    for s in 0..<c.S {
                        probs[((b * c.H + h) * c.T + t) * c.S + s] = p[s]
                        let vo = ((b * c.S + s) * c.KV + g) * c.hd
                        for d in 0..<c.hd { out[qo + d] += p[s] * v[vo + d] }
                    }
                }
            }
        }
        return (out, probs)
    }

    struct Inputs {
        var q: [Float], k: [Float], v: [Float]
        init(_ c: Case, seed: UInt64) {
            var rng = TestRandom(seed: seed)
            q = rng.floats(c.B * c.T * c.H * c.hd, -1.5, 1.5)
            k = rng.floats(c.B * c.S * c.KV * c.hd, -1.5, 1.5)
            v = rng.floats(c.B * c.S * c.KV * c.hd)
        }
    }

    /// Calls `body` with the case's mask (its arrays pinned for the call): self-attention segments
    /// through the one-array initialiser, cross-attention segments as separate query and key ids.
    static func withMask<R>(_ c: Case, _ body: (AttentionMask) -> R) -> R {
        let valid = c.keyValid.map { Pinned($0) }, seg = c.segments.map { Pinned($0) }
        let querySeg = c.querySegments.map { Pinned($0) }, keySeg = c.keySegments.map { Pinned($0) }
        let validPointer = valid.map { UnsafePointer($0.pointer) }
        var mask = seg != nil
            ? AttentionMask(causal: c.causal, window: c.window, queryOffset: c.offset, keyValid: validPointer,
                            segments: seg.map { UnsafePointer($0.pointer) })
            : AttentionMask(causal: c.causal, window: c.window, queryOffset: c.offset, keyValid: validPointer,
                            querySegments: querySeg.map { UnsafePointer($0.pointer) }, keySegments: keySeg.map { UnsafePointer($0.pointer) })
        mask.windowRight = c.windowRight
        mask.prefixKeys = c.prefix
        return withExtendedLifetime((valid, seg, querySeg, keySeg)) { body(mask) }
    }

    /// Runs the kernel with the case's mask.
    static func run(_ c: Case, _ x: Inputs, strategy: Attention.Strategy?, kvBatchStride: Int? = nil,
                    k: [Float]? = nil, v: [Float]? = nil) -> (out: [Float], probs: [Float]) {
        var out = [Float](repeating: .nan, count: c.B * c.T * c.H * c.hd)
        var probs = [Float](repeating: .nan, count: c.B * c.H * c.T * c.S)
        withMask(c) { mask in
            Attention.forward(q: x.q, k: k ?? x.k, v: v ?? x.v, shape: c.shape, mask: mask, scale: Float(c.scale),
                              softCap: c.softCap.map(Float.init), kvBatchStride: kvBatchStride, probs: &probs, into: &out,
                              strategy: strategy)
        }
        return (out, probs)
    }

    @Test(arguments: cases)
    func forwardMatchesReferenceWithBothStrategies(_ c: Case) {
        let x = Inputs(c, seed: 70)
        let ref = Self.reference(c, q: x.q.map(Double.init), k: x.k.map(Double.init), v: x.v.map(Double.init))
        for strategy in Attention.Strategy.allCases {
            let got = Self.run(c, x, strategy: strategy)
            #expect(maxScaledError(got.out, ref.out) < 2e-6, "\(strategy) out")
            #expect(maxScaledError(got.probs, ref.probs) < 2e-6, "\(strategy) probs")
        }
        // The public entry point (strategy chosen by size) without probs gives the same output.
        var out = [Float](repeating: .nan, count: ref.out.count)
        Self.withMask(c) { mask in
            Attention.forward(q: x.q, k: x.k, v: x.v, shape: c.shape, mask: mask, scale: Float(c.scale),
                              softCap: c.softCap.map(Float.init), probs: nil, into: &out)
        }
        #expect(maxScaledError(out, ref.out) < 2e-6)
    }

    /// Packed rows skip the other documents' keys rather than masking them one by one: each query's key
    /// range is its document's span (cut further by causality and windows), per batch row.
    @Test func packedQueriesOnlyVisitTheirDocumentsKeys() {
        let c = Self.cases.first { $0.name.hasPrefix("packed cross-attention, padded") }!
        let q = Pinned(c.querySegments!), k = Pinned(c.keySegments!)
        let cross = MaskRules(AttentionMask(causal: false, querySegments: q.pointer, keySegments: k.pointer),
                              batch: c.B, queryLength: c.T, keyLength: c.S)
        #expect((0..<c.T).map { cross.keyRange(batch: 0, query: $0) }
                == [0..<4, 0..<4, 0..<4, 4..<6, 4..<6, 4..<6, 4..<6, 6..<13, 6..<13, 6..<13])
        #expect((0..<c.T).map { cross.keyRange(batch: 1, query: $0) } == Array(repeating: 0..<3, count: 5) + Array(repeating: 3..<13, count: 5))
        #expect(cross.blockKeyRange(batch: 0, queries: 3..<7) == 4..<6)
        let segments = Pinned([Int32]([0, 0, 0, 1, 1, 1, 1, 1]))
        let causal = MaskRules(AttentionMask(causal: true, window: 2, segments: segments.pointer), batch: 1, queryLength: 8, keyLength: 8)
        #expect((0..<8).map { causal.keyRange(batch: 0, query: $0) } == [0..<1, 0..<2, 1..<3, 3..<4, 3..<5, 4..<6, 5..<7, 6..<8])
        withExtendedLifetime((q, k, segments)) {}
    }

    @Test func fullyMaskedQueryAveragesAllValuesUniformly() {
        let c = Case(name: "all keys padding", T: 5, S: 7, H: 2, KV: 1, causal: false, keyValid: Array(repeating: false, count: 7), softCap: 50)
        let x = Inputs(c, seed: 71)
        for strategy in Attention.Strategy.allCases {
            let got = Self.run(c, x, strategy: strategy)
            for t in 0..<c.T {
                for h in 0..<c.H {
                    for d in 0..<c.hd {
                        let mean = (0..<c.S).reduce(0.0) { $0 + Double(x.v[$1 * c.hd + d]) } / Double(c.S)
                        #expect(abs(Double(got.out[(t * c.H + h) * c.hd + d]) - mean) < 1e-6)
                    }
                }
            }
            #expect(got.probs.allSatisfy { abs($0 - 1 / 7) < 1e-7 })
        }
    }

    /// Decoding from a KV cache (capacity layout, query offset) gives the full computation's rows.
    @Test func cachedDecodeEqualsFullComputation() {
        let full = Case(name: "full", B: 2, T: 11, S: 11, H: 4, KV: 2, hd: 16, window: 4, scale: 0.25, softCap: 50)
        let x = Inputs(full, seed: 72)
        let whole = Self.run(full, x, strategy: nil)
        let capacity = 16, row = full.KV * full.hd
        for (offset, count) in [(10, 1), (8, 3)] {
            var step = full
            step.T = count
            step.offset = offset
            step.S = offset + count
            // Cache buffers [B, capacity, KV, hd] holding positions 0..<S.
            var kc = [Float](repeating: .nan, count: full.B * capacity * row), vc = kc
            var q = [Float]()
            for b in 0..<full.B {
                for s in 0..<step.S {
                    for j in 0..<row {
                        kc[(b * capacity + s) * row + j] = x.k[(b * full.S + s) * row + j]
                        vc[(b * capacity + s) * row + j] = x.v[(b * full.S + s) * row + j]
                    }
                }
                let qRow = full.H * full.hd
                q += x.q[(b * full.T + offset) * qRow..<(b * full.T + offset + count) * qRow]
            }
            var inputs = x
            inputs.q = q
            for strategy in Attention.Strategy.allCases {
                let got = Self.run(step, inputs, strategy: strategy, kvBatchStride: capacity * row, k: kc, v: vc)
                for b in 0..<full.B {
                    let qRow = full.H * full.hd
                    let expected = whole.out[(b * full.T + offset) * qRow..<(b * full.T + offset + count) * qRow]
                    let actual = got.out[b * count * qRow..<(b + 1) * count * qRow]
                    #expect(maxScaledError(Array(actual), expected.map(Double.init)) < 1e-6, "offset \(offset) \(strategy)")
                }
            }
        }
    }

    @Test(arguments: [0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16].map { cases[$0] })
    func backwardMatchesFiniteDifferences(_ c: Case) {
        for strategy in Attention.backwardStrategies { backwardMatchesFiniteDifferences(c, strategy: strategy) }
    }

    func backwardMatchesFiniteDifferences(_ c: Case, strategy: Attention.Strategy) {
        let x = Inputs(c, seed: 73)
        var rng = TestRandom(seed: 74)
        let r = rng.floats(c.B * c.T * c.H * c.hd)
        let fwd = Self.run(c, x, strategy: nil)
        var dq = [Float](repeating: .nan, count: x.q.count), dk = [Float](repeating: .nan, count: x.k.count)
        var dv = [Float](repeating: .nan, count: x.v.count)
        Self.withMask(c) { mask in
            Attention.backward(r, q: x.q, k: x.k, v: x.v, probs: fwd.probs, shape: c.shape, mask: mask, scale: Float(c.scale),
                               softCap: c.softCap.map(Float.init), dq: &dq, dk: &dk, dv: &dv, strategy: strategy)
        }
        let qd = x.q.map(Double.init), kd = x.k.map(Double.init), vd = x.v.map(Double.init)
        func loss(_ q: [Double], _ k: [Double], _ v: [Double]) -> Double {
            zip(Self.reference(c, q: q, k: k, v: v).out, r).reduce(0) { $0 + $1.0 * Double($1.1) }
        }
        let iq = sampleIndices(x.q.count, limit: 40, rng: &rng), ik = sampleIndices(x.k.count, limit: 40, rng: &rng)
        let iv = sampleIndices(x.v.count, limit: 40, rng: &rng)
        let nq = numericGradient(x.q, indices: iq) { loss($0, kd, vd) }
        let nk = numericGradient(x.k, indices: ik) { loss(qd, $0, vd) }
        let nv = numericGradient(x.v, indices: iv) { loss(qd, kd, $0) }
        #expect(relativeError(iq.map { Double(dq[$0]) }, nq) < 1e-3, "dq (\(strategy))")
        #expect(relativeError(ik.map { Double(dk[$0]) }, nk) < 1e-3, "dk (\(strategy))")
        #expect(relativeError(iv.map { Double(dv[$0]) }, nv) < 1e-3, "dv (\(strategy))")
    }
}
