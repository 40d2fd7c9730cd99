import Testing
@testable import Engine

/// Training keeps activations for a bounded number of batch shapes: batches whose shape changes every
/// step (encoder-decoder SFT) once grew a run to 24 GB.
@Suite struct ActivationCacheTests {
    @Test func evictsTheLeastRecentlyUsedBeforeMakingANewOne() {
        var cache = ActivationCache<Int, String>(capacity: 2)
        var made: [Int] = []
        func get(_ k: Int) -> String { cache.value(for: k) { made.append(k); return "v\(k)" } }
        #expect(get(1) == "v1" && get(2) == "v2" && get(1) == "v1")  // 1 used last: 2 is the oldest
        #expect(get(3) == "v3")
        #expect(cache.keys == [1, 3] && made == [1, 2, 3])
        #expect(get(2) == "v2" && made == [1, 2, 3, 2] && cache.count == 2)
    }

    @Test func encoderDecoderBatchesOfChangingShapeKeepAtMostTwoShapes() throws {
        let model = try TinyModels.model(.t5gemma(TinyModels.t5gemmaConfig()), seed: 3)
        let grads = GradientStore(for: model.parameters)
        var corpus = MarkovCorpus(seed: 5)
        for (step, length) in [6, 9, 7, 12, 6, 10].enumerated() {
            let rows = (0..<2).map { _ in corpus.sequence(length: length) }
            let batch = TestBatches.prefix(rows, split: length / 2, encoderLength: length / 2 + 1, decoderLength: length - length / 2)
            let sums = model.loss(batch, targets: LossTargets(hard: batch.targets), grads: grads)
            #expect(sums.hard.isFinite && sums.hard > 0 && sums.count > 0, "step \(step)")
            #expect(model.cachedShapes.count <= 2)
        }
        // Validation batches (no gradients) share the cache: the latest training shape stays.
        let rows = (0..<2).map { _ in corpus.sequence(length: 8) }
        _ = model.evaluate(TestBatches.prefix(rows, split: 4, encoderLength: 5, decoderLength: 4))
        #expect(model.cachedShapes.count == 2 && model.cachedShapes.first?.training == true)
    }
}
