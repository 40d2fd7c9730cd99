import Foundation
import Testing
@testable import Engine
@testable import Tokenizers

/// Inference forwards (score, encode, eval, the teacher of distillation) keep one block's buffers and
/// no attention probabilities: the same logits as a training forward, in memory linear in the length.
@Suite struct InferenceActivationsTests {
    func gemma() throws -> Gemma2Model { try ModelGolden.gemma2Model("gemma2-gqa") }
    func t5gemma() throws -> T5GemmaModel { try ModelGolden.t5gemmaModel("t5gemma-balanced") }

    func floats(_ t: Tensor) -> [Float] { Array(UnsafeBufferPointer(start: t.f32, count: t.count)) }

    /// Two right-padded rows, so masking and padding go through the shared buffers too.
    let rows: [[TokenID]] = [[2, 17, 33, 5, 50, 41, 7, 12, 60], [2, 8, 19, 44, 3]]

    @Test func decoderOnlyLogitsMatchTheTrainingForwardBitForBit() throws {
        let m = try gemma()
        let batch = TokenBatch(sequences: rows, padID: m.config.padTokenID)
        let training = m.makeActivations(batch: 2, length: batch.length, training: true)
        let inference = m.makeActivations(batch: 2, length: batch.length, training: false)
        m.forward(batch, training)
        m.forward(batch, inference)
        #expect(floats(training.logits) == floats(inference.logits))
        #expect(inference.stack.blocks.count == 1 && training.stack.blocks.count == m.config.numLayers)
    }

    @Test func encoderDecoderLogitsAndEncodingMatchTheTrainingForward() throws {
        let m = try t5gemma()
        let encoderInput = TokenBatch(sequences: rows, padID: m.config.padTokenID)
        let decoderInput = TokenBatch(sequences: [[m.config.bosTokenID, 9, 14], [m.config.bosTokenID, 30]],
                                      padID: m.config.padTokenID)
        func logits(training: Bool) -> [Float] {
            let acts = m.makeActivations(batch: 2, encoderLength: encoderInput.length, decoderLength: decoderInput.length,
                                         training: training)
            m.forward(encoderInput: encoderInput, decoderInput: decoderInput, acts)
            return floats(acts.logits)
        }
        #expect(logits(training: true) == logits(training: false))

        let trainingActs = m.makeActivations(batch: 1, encoderLength: rows[0].count, decoderLength: 1, training: true)
        m.forward(encoderInput: TokenBatch(sequences: [rows[0]], padID: m.config.padTokenID),
                  decoderInput: TokenBatch(sequences: [[m.config.bosTokenID]], padID: m.config.padTokenID), trainingActs)
        let encoded = try m.encode(rows[0])
        let expected = UnsafeBufferPointer(start: trainingActs.encoderOutput, count: encoded.count)
        #expect(floats(encoded) == Array(expected))
    }

    /// `duet score` never holds `[T, V]` logits: hidden states once, then the LM head a few rows at a
    /// time gives the same logits as the whole forward, for both architectures.
    @Test func logitsReadInChunksEqualTheWholeForward() throws {
        let g = try gemma()
        let batch = TokenBatch(sequences: [rows[0]], padID: g.config.padTokenID)
        let whole = g.makeActivations(batch: 1, length: batch.length, training: false)
        g.forward(batch, whole)
        let hidden = g.makeHiddenActivations(batch: 1, length: batch.length)
        g.forwardHidden(batch, hidden)
        #expect(hidden.logits.count == 0)
        // A GEMM of fewer rows may sum in another order: equal to float rounding.
        let worst = maxDifference(chunked(rows: batch.length, vocabulary: g.vocabularySize) { g.logits(rows: $0, hidden, into: $1) },
                                  floats(whole.logits))
        #expect(worst < 1e-5, "decoder-only: chunked logits differ by \(worst)")

        let t = try t5gemma()
        let encoderInput = TokenBatch(sequences: [rows[1]], padID: t.config.padTokenID)
        let decoderInput = TokenBatch(sequences: [[t.config.bosTokenID, 9, 14, 30, 22, 5, 61]], padID: t.config.padTokenID)
        let full = t.makeActivations(batch: 1, encoderLength: encoderInput.length, decoderLength: decoderInput.length, training: false)
        t.forward(encoderInput: encoderInput, decoderInput: decoderInput, full)
        let light = t.makeHiddenActivations(batch: 1, encoderLength: encoderInput.length, decoderLength: decoderInput.length)
        t.forwardHidden(encoderInput: encoderInput, decoderInput: decoderInput, light)
        let worstT5 = maxDifference(chunked(rows: decoderInput.length, vocabulary: t.vocabularySize) { t.logits(rows: $0, light, into: $1) },
                                    floats(full.logits))
        #expect(worstT5 < 1e-5, "encoder-decoder: chunked logits differ by \(worstT5)")
    }

    func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        a.count == b.count ? zip(a, b).map { abs($0 - $1) }.max() ?? 0 : .infinity
    }

    /// Logits gathered three rows at a time.
    func chunked(rows: Int, vocabulary: Int, _ read: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        var out: [Float] = []
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: 3 * vocabulary)
        defer { buffer.deallocate() }
        for start in stride(from: 0, to: rows, by: 3) {
            let range = start..<min(rows, start + 3)
            read(range, buffer)
            out += UnsafeBufferPointer(start: buffer, count: range.count * vocabulary)
        }
        return out
    }

    /// Inference memory grows linearly with the length (no T x T term) and does not depend on the
    /// number of layers; training keeps per-layer state and probabilities.
    @Test func inferenceMemoryIsLinearInLengthAndIndependentOfDepth() throws {
        let m = try gemma()
        func bytes(_ length: Int, training: Bool) -> Int {
            StackActivations(stack: m.stack, batch: 1, length: length, training: training).allocatedBytes
        }
        let short = bytes(512, training: false), long = bytes(4096, training: false)
        #expect(Double(long) / Double(short) < 8.2, "8x the tokens should cost at most ~8x: \(short) -> \(long)")
        // One block's worth plus the stack's own buffers, whatever the depth.
        var shallow = m.config
        shallow.numLayers = 1
        shallow.layerTypes = [.full]
        let oneLayer = StackActivations(stack: GemmaStack(config: shallow, names: .gemma2(layers: 1),
                                                          causal: true, crossAttention: false),
                                        batch: 1, length: 4096, training: false).allocatedBytes
        #expect(long == oneLayer)
        let probabilities = m.config.numLayers * m.config.numHeads * 512 * 512 * 4
        #expect(bytes(512, training: true) > probabilities && short < probabilities)
    }
}
