import DuetCore
import Foundation
import Testing
@testable import Engine
@testable import Tokenizers

/// Esc during a long prefill or encode: the forward checks the cancellation flag between layers, so a
/// cancelled prompt stops after the layer in flight instead of running the whole stack (seconds on a
/// big model), and the generation ends `cancelled` with no token.
@Suite struct PrefillCancellationTests {
    func gemma() throws -> Gemma2Model { try ModelGolden.gemma2Model("gemma2-gqa") }
    func t5gemma() throws -> T5GemmaModel { try ModelGolden.t5gemmaModel("t5gemma-balanced") }

    /// The first layer's KV cache is written by a normal prefill and left untouched by a cancelled one.
    @Test func aCancelledPrefillRunsNoLayer() throws {
        let m = try gemma()
        let prompt: [Int32] = Array(repeating: 5, count: 12)
        func firstLayerKeys(cancel: CancellationFlag?) -> [Float] {
            let cache = StackCache(stack: m.stack, capacity: prompt.count, maxChunk: prompt.count)
            cache.keys[0].update(repeating: 0, count: 16)  // the cache is not zeroed: mark what a layer would overwrite
            _ = prompt.withUnsafeBufferPointer {
                m.stack.forwardCached($0.baseAddress!, count: prompt.count, cache: cache, weights: m.stackWeights, cancel: cancel)
            }
            return Array(UnsafeBufferPointer(start: cache.keys[0], count: 16))
        }
        let cancelled = CancellationFlag()
        cancelled.cancel()
        #expect(firstLayerKeys(cancel: nil).contains { $0 != 0 })
        #expect(firstLayerKeys(cancel: cancelled).allSatisfy { $0 == 0 })
        #expect(firstLayerKeys(cancel: CancellationFlag()) == firstLayerKeys(cancel: nil))  // an unset flag changes nothing
    }

    @Test func bothArchitecturesStopBeforeTheFirstToken() throws {
        let cancelled = CancellationFlag()
        cancelled.cancel()
        let parameters = SamplingParameters(temperature: 0, maxNewTokens: 8, ignoreEOS: true)
        let models: [any LanguageModel] = [try gemma(), try t5gemma()]
        for m in models {
            var streamed = 0
            let r = try m.generate(prompt: [2, 10, 20, 30], parameters: parameters, stopTokens: [], cancel: cancelled,
                                   onToken: { _ in streamed += 1 })
            #expect(r.tokens.isEmpty && streamed == 0 && r.stats.stopReason == .cancelled, "\(m.architecture)")
        }
    }

    @Test func aCancelledEncodeSkipsTheEncoderLayers() throws {
        let m = try t5gemma()
        let ids: [TokenID] = [2, 10, 20, 30]
        let cancelled = CancellationFlag()
        cancelled.cancel()
        let full = try m.encode(ids).toArray()
        #expect(try m.encode(ids, cancel: CancellationFlag()).toArray() == full)
        #expect(try m.encode(ids, cancel: cancelled).toArray() != full)
    }

    /// Inside a layer, long kernels stop between their blocks once this thread's inference is
    /// cancelled (a 16-bit GEMM of many rows leaves its output unwritten), and a flag of another
    /// thread's inference never stops them.
    @Test func longKernelsStopBetweenBlocksOnlyForTheirOwnThread() throws {
        var rng = TestRandom(seed: 7)
        let rows = 32, inF = 64, outF = 96
        let w = Tensor(shape: [outF, inF], values: rng.floats(outF * inF)).converted(to: .f16)
        let x = rng.floats(rows * inF)
        func run(_ flag: CancellationFlag?) -> [Float] {
            var y = [Float](repeating: 0, count: rows * outF)
            KernelCancellation.with(flag) { Linear.forward(x, rows: rows, weight: w, into: &y) }
            return y
        }
        let cancelled = CancellationFlag()
        cancelled.cancel()
        #expect(run(nil).contains { $0 != 0 })
        #expect(run(cancelled).allSatisfy { $0 == 0 })
        #expect(run(CancellationFlag()) == run(nil))
        // Another thread's cancelled inference: this one runs to the end.
        let other = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            KernelCancellation.with(cancelled) {
                other.signal()
                release.wait()
            }
        }
        other.wait()
        #expect(run(nil) == run(CancellationFlag()) && run(nil).contains { $0 != 0 })
        release.signal()
    }
}
