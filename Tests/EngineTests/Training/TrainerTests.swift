import Foundation
import Testing
@testable import Engine

@Suite struct TrainerTests {
    static func corpusBatches(count: Int, rows: Int, seed: UInt64, variableLengths: Bool = false) -> [TrainingBatch] {
        var corpus = MarkovCorpus(seed: seed)
        var rng = TestRandom(seed: seed &+ 1)
        return (0..<count).map { _ in
            TestBatches.causal((0..<rows).map { _ in corpus.sequence(length: variableLengths ? 6 + rng.int(0..<10) : 15) }, length: 16)
        }
    }

    @Test func sameSeedSameLossesBitForBit() throws {
        let batches = Self.corpusBatches(count: 4, rows: 4, seed: 1)
        func run() throws -> ([Double], [Float]) {
            let model = try TinyModels.model(.gemma2(TinyModels.gemma2Config()), seed: 5)
            let trainer = try Trainer(model: model, config: TrainingConfig(steps: 6, learningRate: 3e-3, warmupSteps: 2))
            var source = FixedBatchSource(batches)
            let losses = try (0..<6).map { _ in try trainer.trainStep([source.next()]).loss }
            return (losses, model.parameters.flat!.toArray())
        }
        let a = try run(), b = try run()
        #expect(a.0 == b.0)
        #expect(a.1 == b.1)
        #expect(a.0.last! < a.0.first!)
    }

    @Test func twoHalfBatchesEqualOneFullBatch() throws {
        // Rows of different lengths: halves have different target counts, so the step must weight
        // each micro-batch by its share of the targets, not average the two means.
        var corpus = MarkovCorpus(seed: 3)
        var rng = TestRandom(seed: 4)
        let rows = (0..<8).map { _ in corpus.sequence(length: 3 + rng.int(0..<12)) }
        let full = TestBatches.causal(rows, length: 16)
        let halves = [TestBatches.causal(Array(rows[..<4]), length: 16), TestBatches.causal(Array(rows[4...]), length: 16)]
        #expect(halves[0].targetTokenCount != halves[1].targetTokenCount)
        let config = TrainingConfig(steps: 3, learningRate: 1e-2, clipNorm: 0.5)
        let one = try TinyModels.model(.gemma2(TinyModels.gemma2Config()), seed: 9)
        let two = try TinyModels.model(.gemma2(TinyModels.gemma2Config()), seed: 9)
        let trainerOne = try Trainer(model: one, config: config)
        var accumulated = config
        accumulated.gradientAccumulation = 2
        let trainerTwo = try Trainer(model: two, config: accumulated)
        for _ in 0..<3 {
            let a = try trainerOne.trainStep([full])
            let b = try trainerTwo.trainStep(halves)
            #expect(abs(a.loss - b.loss) < 1e-6 * a.loss)
            #expect(abs(a.gradientNorm - b.gradientNorm) < 1e-5 * a.gradientNorm)
            #expect(a.clipped == b.clipped && a.targetTokens == b.targetTokens)
        }
        let r = compare(two.parameters.flat!.toArray(), one.parameters.flat!.toArray())
        #expect(r.relative < 1e-5, "parameters differ by \(r.relative) (max abs \(r.maxAbs))")
    }

    @Test func clippingReportsThePreClipNorm() throws {
        let model = try TinyModels.model(.gemma2(TinyModels.gemma2Config()), seed: 2)
        let batch = Self.corpusBatches(count: 1, rows: 4, seed: 8)[0]
        let trainer = try Trainer(model: model, config: TrainingConfig(steps: 2, learningRate: 1e-3, clipNorm: 1e-3))
        // The norm the trainer reports equals the norm of freshly computed gradients.
        let probe = GradientStore(for: model.parameters)
        _ = model.loss(batch, targets: LossTargets(hard: batch.targets), grads: probe)
        let expected = GradientClipping.globalNorm(probe.flat.f32, count: probe.flat.count)
        let report = try trainer.trainStep([batch])
        #expect(report.clipped)
        #expect(abs(report.gradientNorm - expected) <= 1e-9 * expected)
        // After clipping the gradients the optimizer used have the limit's norm.
        let after = GradientClipping.globalNorm(trainer.gradients.flat.f32, count: trainer.gradients.flat.count)
        #expect(abs(after - 1e-3) < 1e-6)
        let unclipped = try Trainer(model: try TinyModels.model(.gemma2(TinyModels.gemma2Config()), seed: 2),
                                    config: TrainingConfig(steps: 2, learningRate: 1e-3, clipNorm: 1e6))
        #expect(try !unclipped.trainStep([batch]).clipped)
    }

    @Test func crossAttentionWarmupTrainsOnlyCrossAttention() throws {
        let model = try TinyModels.model(.t5gemma(TinyModels.t5gemmaConfig()), seed: 4)
        let initial = Dictionary(uniqueKeysWithValues: model.parameters.names.map { ($0, model.parameters[$0].toArray()) })
        var corpus = MarkovCorpus(seed: 6)
        let batch = TestBatches.prefix((0..<4).map { _ in corpus.sequence(length: 14) }, split: 7, encoderLength: 8, decoderLength: 7)
        let trainer = try Trainer(model: model, config: TrainingConfig(steps: 4, learningRate: 1e-2, crossAttentionWarmupSteps: 2))
        let cross = model.parameters.names.filter(ParameterRoles.isCrossAttention)
        #expect(cross.count == 2 * 6)  // 2 decoder layers × (q, k, v, o, pre norm, post norm)
        for step in 1...2 {
            let report = try trainer.trainStep([batch])
            #expect(report.phase == .crossAttentionWarmup)
            #expect(trainer.optimizer.names.sorted() == cross.sorted(), "optimizer state only for cross-attention (step \(step))")
            #expect(trainer.gradients.names.sorted() == cross.sorted())
            #expect(trainer.gradients.flat.count == cross.reduce(0) { $0 + model.parameters[$1].count })
        }
        for name in model.parameters.names {
            let moved = model.parameters[name].toArray() != initial[name]!
            if ParameterRoles.isCrossAttention(name) {
                #expect(moved, "\(name) should train during warm-up")
            } else {
                #expect(!moved, "\(name) must stay frozen during warm-up")
            }
        }
        let report = try trainer.trainStep([batch])
        #expect(report.phase == .full)
        #expect(trainer.optimizer.names.count == model.parameters.names.count)
        #expect(trainer.optimizer.steps(of: cross[0]) == 3)
        #expect(trainer.optimizer.steps(of: "model.encoder.layers.0.mlp.up_proj.weight") == 1)
        #expect(model.parameters["model.encoder.layers.0.mlp.up_proj.weight"].toArray() != initial["model.encoder.layers.0.mlp.up_proj.weight"]!)
    }

    @Test func warmupNeedsAnEncoderDecoderModel() throws {
        let model = try TinyModels.model(.gemma2(TinyModels.gemma2Config()), seed: 1)
        #expect(throws: TrainingError.self) {
            try Trainer(model: model, config: TrainingConfig(steps: 4, crossAttentionWarmupSteps: 2))
        }
    }

    @Test func nonFiniteStepIsSkippedAndTrainingGoesOn() throws {
        let model = try TinyModels.model(.gemma2(TinyModels.gemma2Config()), seed: 7)
        let batches = Self.corpusBatches(count: 3, rows: 4, seed: 2)
        let trainer = try Trainer(model: model, config: TrainingConfig(steps: 5, learningRate: 1e-2))
        _ = try trainer.trainStep([batches[0]])
        let poisoned = "model.layers.1.mlp.up_proj.weight"
        let saved = model.parameters[poisoned].f32[5]
        model.parameters[poisoned].f32[5] = .nan
        let before = model.parameters.flat!.toArray()
        let momentsBefore = trainer.optimizer.m.toArray()
        let report = try trainer.trainStep([batches[1]])
        #expect(report.skipped && !report.loss.isFinite)
        #expect(trainer.consecutiveNonFinite == 1)
        #expect(trainer.step == 2)
        let after = model.parameters.flat!.toArray()
        #expect(zip(before, after).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "a skipped step moves nothing")
        #expect(trainer.optimizer.m.toArray() == momentsBefore)
        #expect(trainer.optimizer.steps(of: poisoned) == 1)
        model.parameters[poisoned].f32[5] = saved
        let next = try trainer.trainStep([batches[2]])
        #expect(!next.skipped && next.loss.isFinite)
        #expect(trainer.consecutiveNonFinite == 0)
        #expect(trainer.optimizer.steps(of: poisoned) == 2)
        try trainer.checkHealth()
    }

    @Test func threeNonFiniteStepsInARowStopTheLoop() throws {
        let model = try TinyModels.model(.gemma2(TinyModels.gemma2Config()), seed: 7)
        model.parameters["model.layers.0.self_attn.q_proj.weight"].f32[0] = .infinity
        let trainer = try Trainer(model: model, config: TrainingConfig(steps: 10, learningRate: 1e-2))
        let scratch = TemporaryDirectory()
        let directory = scratch.url
        let loop = TrainingLoop(trainer: trainer, source: FixedBatchSource(Self.corpusBatches(count: 2, rows: 2, seed: 1)),
                                validation: [], runDirectory: directory, assets: nil)
        let observer = RecordingObserver()
        loop.observer = observer
        #expect(throws: TrainingError.nonFinite(step: 3, count: 3)) { try loop.run() }
        #expect(observer.steps.count == 3 && observer.steps.allSatisfy(\.skipped))
        #expect(String(describing: TrainingError.nonFinite(step: 3, count: 3)).contains("3 consecutive steps"))
    }

    @Test func evaluationReportsLossAndAccuracy() throws {
        let model = try TinyModels.model(.gemma2(TinyModels.gemma2Config()), seed: 3)
        let trainer = try Trainer(model: model, config: TrainingConfig(steps: 1))
        let batches = Self.corpusBatches(count: 2, rows: 3, seed: 4, variableLengths: true)
        let report = try trainer.evaluate(batches)
        // Same numbers by hand from the logits.
        var total = 0.0, correct = 0, count = 0
        for batch in batches {
            let r = model.evaluate(batch)
            total += r.sums.hard
            correct += r.correct
            count += r.sums.count
        }
        #expect(report.targetTokens == count)
        #expect(abs(report.loss - total / Double(count)) < 1e-12)
        #expect(report.accuracy == Double(correct) / Double(count))
        // A random model is near uniform over 32 ids.
        #expect(abs(report.loss - log(32.0)) < 0.5)
    }

    @Test func badBatchesAreRejectedWithAClearError() throws {
        let model = try TinyModels.model(.gemma2(TinyModels.gemma2Config()), seed: 3)
        let trainer = try Trainer(model: model, config: TrainingConfig(steps: 1))
        var batch = Self.corpusBatches(count: 1, rows: 2, seed: 4)[0]
        batch.decoderInput.ids[3] = 40
        #expect(throws: TrainingError.invalidBatch("input token id 40 outside the vocabulary (0..<32)")) {
            try trainer.trainStep([batch])
        }
        let encDec = try Trainer(model: try TinyModels.model(.t5gemma(TinyModels.t5gemmaConfig()), seed: 1),
                                 config: TrainingConfig(steps: 1))
        #expect(throws: TrainingError.invalidBatch("an encoder-decoder model needs an encoder input")) {
            try encDec.trainStep(Self.corpusBatches(count: 1, rows: 2, seed: 4))
        }
    }
}
