import CKernels
import DuetCore
import Foundation
import Testing
import TestSupport
import Tokenizers
@testable import Engine

/// bf16 matrices packed into panels of 16 output features (``TensorLayout/bf16Panels``): the layout
/// round-trips, every reader of a packed weight (Linear at every row count, the embedding lookup, element
/// access) sees the same values, and a model loaded packed computes what the row-major one does.
@Suite struct PackedWeightTests {
    /// Odd shapes: a partial last panel, vector tails, several worker chunks.
    static let shapes: [(out: Int, in: Int)] = [(1, 1), (15, 7), (16, 16), (17, 33), (300, 133)]

    @Test func packingRoundTripsAndKeepsEveryElement() {
        var rng = TestRandom(seed: 70)
        for (outF, inF) in Self.shapes {
            let w = Tensor(shape: [outF, inF], values: rng.floats(outF * inF)).converted(to: .bf16)
            let packed = w.packedBF16Panels()
            #expect(packed.layout == .bf16Panels)
            #expect(packed.byteCount == dk_bf16_panel_count(outF) * inF * 16 * 2)
            #expect(packed.toArray() == w.toArray())
            #expect(packed.unpacked().toArray() == w.toArray())
            #expect(packed.converted(to: .f32).toArray() == w.toArray())
            let r = outF - 1, c = inF / 2
            #expect(packed[r, c] == w[r, c])
        }
    }

    /// Every row count the kernel meets (decode, the specialised 1-5 row tiles, full 6-row tiles, M-blocks
    /// of 96 and K-blocks of 256) against sgemm on the same weights widened to f32; accumulate too.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 13, 97, 200])
    func packedForwardMatchesWidenedSgemm(rows: Int) {
        var rng = TestRandom(seed: 80 + UInt64(rows))
        for (outF, inF) in Self.shapes + [(40, 600)] {
            let w16 = Tensor(shape: [outF, inF], values: rng.floats(outF * inF)).converted(to: .bf16)
            let packed = w16.packedBF16Panels(), w32 = w16.converted(to: .f32)
            let x = rng.floats(rows * inF)
            var expected = [Float](repeating: 0, count: rows * outF), got = [Float](repeating: 9, count: rows * outF)
            Linear.forward(x, rows: rows, weight: w32, into: &expected)
            Linear.forward(x, rows: rows, weight: packed, into: &got)
            #expect(maxScaledError(got, expected.map(Double.init)) < 1e-5, "\(rows) x [\(outF), \(inF)]")
            var acc = [Float](repeating: 1, count: rows * outF)
            Linear.forward(x, rows: rows, weight: packed, into: &acc, accumulate: true)
            #expect(maxScaledError(acc, expected.map { Double($0) + 1 }) < 1e-5, "accumulate \(rows) x [\(outF), \(inF)]")
        }
    }

    /// Every instruction-set variant this CPU runs (AVX2; AVX-512 where present) against the portable loop,
    /// on panel ranges of odd and even length in the middle (the AVX-512 kernel takes panels in pairs), at
    /// row counts that meet each tile size, the M-blocks and a partial last panel.
    @Test(arguments: [1, 2, 3, 4, 5, 11, 12, 13, 25, 97, 200])
    func everyKernelVariantMatchesThePortableLoop(rows: Int) {
        var rng = TestRandom(seed: 90 + UInt64(rows))
        let outF = 70, inF = 300
        let packed = Tensor(shape: [outF, inF], values: rng.floats(outF * inF)).converted(to: .bf16).packedBF16Panels()
        let x = rng.floats(rows * inF)
        let variants = EngineInfo.matrixKernelVariants
        #expect(variants.contains(dk_best_kernel_variant()))
        for variant in variants where variant != DK_KERNEL_SCALAR {
            for (first, count) in [(1, 3), (1, 4), (0, 5)] {  // panel 4 is the partial one (features 64-69)
                var a = [Float](repeating: 0.5, count: rows * outF), b = a
                dk_gemm_bf16_panels_variant(variant, x, inF, rows, packed.u16, outF, inF, first, count, &a, outF, 1)
                dk_gemm_bf16_panels_reference(x, inF, rows, packed.u16, outF, inF, first, count, &b, outF, 1)
                #expect(maxScaledError(a, b.map(Double.init)) < 1e-5, "variant \(variant), panels \(first)..<\(first + count)")
                // Features outside the range are left alone.
                let outside = (0..<outF).filter { $0 < first * 16 || $0 >= (first + count) * 16 }
                #expect(outside.allSatisfy { n in (0..<rows).allSatisfy { a[$0 * outF + n] == 0.5 } })
            }
        }
    }

    @Test func embeddingLookupReadsAPackedTable() {
        var rng = TestRandom(seed: 100)
        let vocab = 37, dim = 24
        let table = Tensor(shape: [vocab, dim], values: rng.floats(vocab * dim)).converted(to: .bf16)
        let ids: [Int32] = [0, 36, 17, 16, 15]
        var expected = [Float](repeating: 0, count: ids.count * dim), got = expected
        Embedding.forward(ids: ids, count: ids.count, table: table, scale: 2, into: &expected)
        Embedding.forward(ids: ids, count: ids.count, table: table.packedBF16Panels(), scale: 2, into: &got)
        #expect(got == expected)
    }

    /// A bf16 checkpoint of each architecture, loaded packed and row-major: the same greedy continuation
    /// (a prompt of 13 tokens goes through the blocked path, decoding through the one-row tile).
    @Test(arguments: ["gemma2-gqa", "gemma3-qknorm", "t5gemma-unbalanced", "t5gemma2-merged"])
    func packedModelsGenerateWhatRowMajorOnesDo(golden name: String) throws {
        let directory = TemporaryDirectory()
        _ = try CheckpointConverter.convert(from: try ModelGolden(name).directory, to: directory.url, dtype: .bf16)
        let packed = try ModelLoader.load(directory: directory.url, packBF16: true)
        let rowMajor = try ModelLoader.load(directory: directory.url)
        let store = packed.model.parameters
        #expect(store.names.contains { store[$0].layout == .bf16Panels })
        #expect(!rowMajor.model.parameters.names.contains { rowMajor.model.parameters[$0].layout == .bf16Panels })
        let prompt: [TokenID] = [2, 5, 9, 4, 7, 3, 8, 6, 11, 10, 12, 14, 13]
        let settings = SamplingParameters(maxNewTokens: 16, ignoreEOS: true)
        let a = try packed.model.generate(prompt: prompt, parameters: settings, stopTokens: [], cancel: nil, onToken: { _ in })
        let b = try rowMajor.model.generate(prompt: prompt, parameters: settings, stopTokens: [], cancel: nil, onToken: { _ in })
        #expect(a.tokens == b.tokens)
        #expect(a.tokens.count == 16)
    }
}
