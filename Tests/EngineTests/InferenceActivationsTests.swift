import Foundation
import Testing
@testable import Engine

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
