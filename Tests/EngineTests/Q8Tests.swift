import CKernels
import Foundation
@testable import Synthetic
import Testing
@testable import Engine

/// Blockwise int8 weights: quantization error bound, the dispatched integer kernel against its C
/// reference, Linear on int8 weights, and whole models quantized at load.
@Suite struct Q8Tests {
    /// Every value comes back within half a step (scale / 2) of its block, and a block's largest
    /// magnitude exactly (it maps to ±127).
    @Test func quantizationErrorIsAtMostHalfAStep() {
        var rng = TestRandom(seed: 80)
        var values = rng.floats(4 * 96)
        for i in 0..<32 { values[i] = 0 }  // an all-zero block: scale 0, values 0
        values[40] = 1e4                   // an outlier only costs its own block precision
        let t = Tensor(shape: [4, 96], values: values)
        let q = t.converted(to: .i8)
        #expect(q.dtype == .i8 && q.scales!.shape == [4, 3] && q.byteCount == 4 * 96)
        let back = q.toArray()
        for block in 0..<(values.count / 32) {
            let range = block * 32..<(block + 1) * 32
            let amax = range.map { abs(values[$0]) }.max()!
            let step = amax / 127
            #expect(abs(q.scales!.f32[block] - step) <= step * 1e-6)
            for i in range { #expect(abs(back[i] - values[i]) <= step / 2 * 1.0001, "value \(i)") }
        }
        #expect(back[0..<32].allSatisfy { $0 == 0 })
        #expect(back[40] == 1e4)
        // Row views keep their scales.
        #expect(q.row(2).toArray() == Array(back[192..<288]))
    }

    @Test(arguments: [1, 3, 4, 7, 64])
    func integerKernelMatchesItsReference(rows: Int) {
        var rng = TestRandom(seed: 81 + UInt64(rows))
        let cols = 160
        let w = Tensor(shape: [rows, cols], values: rng.floats(rows * cols)).converted(to: .i8)
        let x = Tensor(shape: [cols], values: rng.floats(cols)).converted(to: .i8)
        let wq = w.raw.assumingMemoryBound(to: Int8.self), xq = x.raw.assumingMemoryBound(to: Int8.self)
        var fast = [Float](repeating: 0, count: rows), slow = fast
        dk_gemv_q8(wq, w.scales!.f32, cols, xq, x.scales!.f32, &fast, rows, cols)
        dk_gemv_q8_reference(wq, w.scales!.f32, cols, xq, x.scales!.f32, &slow, rows, cols)
        // Integer block sums are exact; only the order of the f32 block accumulation differs.
        #expect(maxScaledError(fast, slow.map(Double.init)) < 1e-6)
        // And both equal the dequantized dot product.
        let wf = w.toArray(), xf = x.toArray()
        let exact = (0..<rows).map { r in (0..<cols).reduce(0.0) { $0 + Double(wf[r * cols + $1]) * Double(xf[$1]) } }
        #expect(maxScaledError(slow, exact) < 1e-5)
    }

    /// Every instruction-set variant this CPU has (AVX2, and AVX-VNNI / AVX512-VNNI where present) sums
    /// the same integers in the same lanes: bitwise-equal outputs. The dispatched kernel is the best one.
    @Test func vnniVariantsEqualTheAVX2KernelBitForBit() {
        let f = Int(dk_cpu_features())
        guard f & Int(DK_CPU_AVX2) != 0 && f & Int(DK_CPU_FMA) != 0 else { return }  // no SIMD kernel here
        var variants = [DK_Q8_AVX2]
        if f & Int(DK_CPU_AVXVNNI) != 0 { variants.append(DK_Q8_AVXVNNI) }
        if f & Int(DK_CPU_AVX512VNNI) != 0 && f & Int(DK_CPU_AVX512VL) != 0 { variants.append(DK_Q8_AVX512VNNI) }
        #expect(variants.last == dk_q8_best_variant())
        var rng = TestRandom(seed: 123)
        let rows = 37, cols = 2304
        // Extremes included: +-127 in both operands is where a saturating product would show.
        var wValues = rng.floats(rows * cols), xValues = rng.floats(cols)
        for i in stride(from: 0, to: wValues.count, by: 97) { wValues[i] = i % 2 == 0 ? 8 : -8 }
        for i in stride(from: 0, to: cols, by: 31) { xValues[i] = -8 }
        let w = Tensor(shape: [rows, cols], values: wValues).converted(to: .i8)
        let x = Tensor(shape: [cols], values: xValues).converted(to: .i8)
        let wq = w.raw.assumingMemoryBound(to: Int8.self), xq = x.raw.assumingMemoryBound(to: Int8.self)
        var outputs: [[Float]] = []
        for variant in variants {
            var y = [Float](repeating: 0, count: rows)
            dk_gemv_q8_variant(variant, wq, w.scales!.f32, cols, xq, x.scales!.f32, &y, rows, cols)
            outputs.append(y)
        }
        for (variant, y) in zip(variants, outputs) { #expect(y == outputs[0], "variant \(variant)") }
        var reference = [Float](repeating: 0, count: rows)
        dk_gemv_q8_reference(wq, w.scales!.f32, cols, xq, x.scales!.f32, &reference, rows, cols)
        #expect(maxScaledError(outputs[0], reference.map(Double.init)) < 1e-6)
    }

    /// Decode rows (<= 4) also quantize the input; prefill rows multiply the dequantized weights in f32
    /// (5-16 rows in the skinny kernel, more through dequantized blocks and sgemm).
    @Test(arguments: [1, 4, 5, 9, 16, 17])
    func linearOnInt8WeightsStaysCloseToF32(rows: Int) {
        var rng = TestRandom(seed: 90 + UInt64(rows))
        let outF = 300, inF = 256
        let w32 = Tensor(shape: [outF, inF], values: rng.floats(outF * inF))
        let w8 = w32.converted(to: .i8)
        let x = rng.floats(rows * inF)
        var reference = [Float](repeating: 0, count: rows * outF), got = reference, onDequantized = reference
        Linear.forward(x, rows: rows, weight: w32, into: &reference)
        Linear.forward(x, rows: rows, weight: w8, into: &got)
        Linear.forward(x, rows: rows, weight: Q8.dequantize(w8), into: &onDequantized)
        // Relative to the largest output: int8 weights (and inputs when decoding) cost under 2%.
        #expect(maxScaledError(got, reference.map(Double.init)) < 0.02)
        if rows > Linear.gemvRowLimit {
            #expect(maxScaledError(got, onDequantized.map(Double.init)) < 1e-5)
        }
        var accumulated = [Float](repeating: 1, count: rows * outF)
        Linear.forward(x, rows: rows, weight: w8, into: &accumulated, accumulate: true)
        #expect(maxScaledError(accumulated, got.map { Double($0) + 1 }) < 1e-5)
    }

    /// A golden model quantized at load computes what its dequantized f32 weights compute (the
    /// int8 kernels add only the input quantization of decode rows). Random tiny models amplify
    /// weight noise layer after layer, so the error against the f32 weights themselves is measured
    /// on the bundled trained models (``bundledModelsKeepTheirAnswers``).
    @Test func aQuantizedGoldenModelComputesItsDequantizedWeights() throws {
        let golden = try ModelGolden("gemma2-gqa")
        let config = try ModelGolden.gemma2Model("gemma2-gqa").config
        let trainable = try golden.parameters(layout: Gemma2Model.layout(config))
        let store = ParameterStore(trainable.names.map { ($0, trainable[$0].copy()) })
        #expect(store.quantizeMatrices() == store.names.filter { store[$0].rank == 2 }.count)
        let quantized = Gemma2Model(config: config, parameters: store)
        let widened = Gemma2Model(config: config, parameters: ParameterStore(store.names.map {
            ($0, store[$0].dtype == .i8 ? Q8.dequantize(store[$0]) : store[$0])
        }))
        let batch = TokenBatch(sequences: [[2, 17, 33, 5, 50, 41, 7, 12, 60, 9, 11, 3]], padID: config.padTokenID)
        func logits(_ m: Gemma2Model) -> [Float] {
            let acts = m.makeActivations(batch: 1, length: batch.length, training: false)
            m.forward(batch, acts)
            return Array(UnsafeBufferPointer(start: acts.logits.f32, count: acts.logits.count))
        }
        // Not bit-equal: the int8 table's embedding multiplier is rounded to bf16 (GemmaStack.embedScale).
        #expect(maxScaledError(logits(quantized), logits(widened).map(Double.init)) < 1e-3)
        // Per tensor, the quantization noise is about half a percent of the weights' norm.
        for name in store.names where store[name].dtype == .i8 {
            let q = store[name].toArray(), w = trainable[name].toArray()
            let noise = zip(q, w).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
            let norm = w.reduce(0.0) { $0 + Double($1 * $1) }
            #expect((noise / norm).squareRoot() < 0.008, "\(name)")
        }
    }

    /// The bundled trained pair, int8 against the bf16 files: on the first three held-out items of
    /// every task, as many replies are right but for at most one, and most replies are unchanged.
    @Test(arguments: ["duet-mini-it", "duet-mini-mini-it"])
    func bundledModelsKeepTheirAnswers(name: String) throws {
        let directory = URL(fileURLWithPath: "assets/models/\(name)")
        let bf16 = try ModelLoader.load(directory: directory)
        let int8 = try ModelLoader.load(directory: directory, quantization: .int8)
        let items = try TaskEvaluation.select(try EvalItem.load(from: URL(fileURLWithPath: "assets/models/heldout-eval.jsonl")),
                                              limitPerTask: 3)
        let a = try ModelResponder(model: bf16, maxTokens: 32), b = try ModelResponder(model: int8, maxTokens: 32)
        var differing = 0, rightBF16 = 0, rightInt8 = 0
        for item in items {
            let x = try a.reply(to: item.messages).text, y = try b.reply(to: item.messages).text
            if x != y { differing += 1 }
            if TaskChecker.isCorrect(reply: x, answer: item.answer, check: item.check) { rightBF16 += 1 }
            if TaskChecker.isCorrect(reply: y, answer: item.answer, check: item.check) { rightInt8 += 1 }
        }
        #expect(abs(rightBF16 - rightInt8) <= 1, "right: bf16 \(rightBF16), int8 \(rightInt8) of \(items.count)")
        #expect(differing <= items.count / 6, "\(differing) of \(items.count) replies changed")
    }

    @Test func aQuantizedModelCannotBeLoadedForTraining() throws {
        let directory = try ModelGolden("gemma2-gqa").directory
        #expect(throws: ModelLoadError.quantizedNotTrainable(directory: directory.path)) {
            try ModelLoader.load(directory: directory, trainable: true, quantization: .int8)
        }
        let loaded = try ModelLoader.load(directory: directory, quantization: .int8)
        let m = try #require(loaded.model as? Gemma2Model)
        #expect(m.embeddingTable.dtype == .i8)
    }
}
