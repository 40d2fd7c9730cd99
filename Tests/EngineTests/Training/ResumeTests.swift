import Foundation
import Testing
@testable import Engine

/// Training N steps straight and N/2 + checkpoint + resume + N/2 give the same losses, bit for bit.
@Suite struct ResumeTests {
    struct Setup {
        let config: ModelConfig
        let training: TrainingConfig
        let batches: [TrainingBatch]
        let validation: [TrainingBatch]
    }

    static func decoderOnly() -> Setup {
        var corpus = MarkovCorpus(seed: 21)
        var rng = TestRandom(seed: 22)
        let batches = (0..<5).map { _ in TestBatches.causal((0..<3).map { _ in corpus.sequence(length: 5 + rng.int(0..<10)) }, length: 16) }
        let validation = [TestBatches.causal((0..<3).map { _ in corpus.sequence(length: 15) }, length: 16)]
        return Setup(config: .gemma2(TinyModels.gemma2Config()),
                     training: TrainingConfig(steps: 8, learningRate: 5e-3, warmupSteps: 2, clipNorm: 0.5,
                                              gradientAccumulation: 2, evalEvery: 3, checkpointEvery: 3),
                     batches: batches, validation: validation)
    }

    static func encoderDecoder() -> Setup {
        var corpus = MarkovCorpus(seed: 31)
        let batches = (0..<3).map { _ in
            TestBatches.prefix((0..<3).map { _ in corpus.sequence(length: 14) }, split: 6, encoderLength: 7, decoderLength: 8)
        }
        // Warm-up ends at step 3, after the interruption at step 2: the resumed trainer must rebuild
        // the warm-up phase's optimizer state, then widen it.
        return Setup(config: .t5gemma(TinyModels.t5gemmaConfig()),
                     training: TrainingConfig(steps: 6, learningRate: 5e-3, crossAttentionWarmupSteps: 3, checkpointEvery: 4),
                     batches: batches, validation: [batches[0]])
    }

    /// Runs to the end, or until a stop after `stopAfter` steps; returns the observer.
    static func run(_ setup: Setup, modelDirectory: URL, runDirectory: URL, stopAfter: Int? = nil,
                    resume: Bool = false) throws -> (RecordingObserver, TrainingOutcome) {
        let directory = resume ? try #require(try TrainingCheckpoint.latest(in: runDirectory)) : modelDirectory
        let loaded = try ModelLoader.load(directory: directory, trainable: true)
        let trainer = try Trainer(model: try TrainableModel(loaded.model), config: setup.training)
        var position = DataPosition(epoch: 0, index: 0)
        if resume { position = try TrainingCheckpoint.restore(trainer, from: directory).dataPosition }
        let loop = TrainingLoop(trainer: trainer, source: FixedBatchSource(setup.batches, from: position),
                                validation: setup.validation, runDirectory: runDirectory, assets: modelDirectory)
        let observer = RecordingObserver()
        observer.stopAfter = stopAfter
        loop.observer = observer
        return (observer, try loop.run())
    }

    @Test(arguments: ["decoder-only", "encoder-decoder"]) func resumedRunContinuesBitIdentically(_ kind: String) throws {
        let setup = kind == "decoder-only" ? Self.decoderOnly() : Self.encoderDecoder()
        let scratch = TemporaryDirectory()
        let root = scratch.url
        let modelDirectory = root.appendingPathComponent("model")
        try TinyModels.writeModel(setup.config, seed: 17, to: modelDirectory)
        let n = setup.training.steps

        let (straight, outcome) = try Self.run(setup, modelDirectory: modelDirectory, runDirectory: root.appendingPathComponent("straight"))
        #expect(outcome == .finished)
        #expect(straight.steps.count == n)

        let interrupted = root.appendingPathComponent("interrupted")
        let (first, firstOutcome) = try Self.run(setup, modelDirectory: modelDirectory, runDirectory: interrupted, stopAfter: n / 2)
        #expect(firstOutcome == .stopped)
        #expect(first.steps.count == n / 2)
        #expect(first.checkpoints.last == n / 2)
        let (second, _) = try Self.run(setup, modelDirectory: modelDirectory, runDirectory: interrupted, resume: true)
        #expect(second.steps.map(\.step) == Array((n / 2 + 1)...n))

        let resumed = first.steps + second.steps
        #expect(resumed.map(\.loss) == straight.steps.map(\.loss), "losses must continue bit-identically")
        #expect(resumed.map(\.gradientNorm) == straight.steps.map(\.gradientNorm))
        #expect(resumed.map(\.learningRate) == straight.steps.map(\.learningRate))
        #expect((first.evaluations + second.evaluations).map(\.loss) == straight.evaluations.map(\.loss))
        // Final weights identical too.
        let a = try CheckpointReader(directory: try #require(try TrainingCheckpoint.latest(in: root.appendingPathComponent("straight"))))
        let b = try CheckpointReader(directory: try #require(try TrainingCheckpoint.latest(in: interrupted)))
        for name in a.tensorNames { #expect(try a.tensor(name).toArray() == b.tensor(name).toArray(), "\(name)") }
    }

    @Test func checkpointIsAnHFDirectoryWithOptimizerState() throws {
        let setup = Self.encoderDecoder()
        let scratch = TemporaryDirectory()
        let root = scratch.url
        let modelDirectory = root.appendingPathComponent("model")
        try TinyModels.writeModel(setup.config, seed: 3, to: modelDirectory)
        let runDirectory = root.appendingPathComponent("run")
        let (observer, _) = try Self.run(setup, modelDirectory: modelDirectory, runDirectory: runDirectory, stopAfter: 2)
        #expect(observer.checkpoints == [2])
        let directory = try #require(try TrainingCheckpoint.latest(in: runDirectory))
        #expect(directory.lastPathComponent == "step-2")
        let fm = FileManager.default
        for file in ["config.json", "generation_config.json", "model.safetensors", "optimizer.safetensors", "trainer_state.json"] {
            #expect(fm.fileExists(atPath: directory.appendingPathComponent(file).path), "\(file)")
        }
        // Loads as a model; weights are f32; the config says so.
        let loaded = try ModelLoader.load(directory: directory)
        guard case let .t5gemma(c) = loaded.config else { Issue.record("not a T5Gemma checkpoint"); return }
        #expect(c.torchDtype == .f32)
        #expect(c.encoder.hiddenSize == TinyModels.t5gemmaConfig().encoder.hiddenSize)
        let reader = try CheckpointReader(directory: directory)
        #expect(try reader.tensorNames.allSatisfy { try reader.tensor($0).dtype == .f32 })
        let state = try TrainingCheckpoint.state(in: directory)
        #expect(state.step == 2 && state.dataPosition == DataPosition(epoch: 0, index: 2))
        #expect(state.config == setup.training)
        // During warm-up only cross-attention has optimizer state.
        #expect(state.optimizerSteps.keys.allSatisfy(ParameterRoles.isCrossAttention))
        #expect(state.optimizerSteps.values.allSatisfy { $0 == 2 })
        let optimizer = try SafeTensorsFile(url: directory.appendingPathComponent("optimizer.safetensors"))
        #expect(optimizer.tensorNames.count == 2 * state.optimizerSteps.count)
        // No temporary directories are left behind.
        let leftovers = try fm.contentsOfDirectory(atPath: runDirectory.appendingPathComponent("checkpoints").path)
        #expect(leftovers == ["step-2"])
    }

    @Test func pauseWaitsAndCheckpointNowSaves() throws {
        let setup = Self.decoderOnly()
        let scratch = TemporaryDirectory()
        let root = scratch.url
        let modelDirectory = root.appendingPathComponent("model")
        try TinyModels.writeModel(setup.config, seed: 3, to: modelDirectory)
        let loaded = try ModelLoader.load(directory: modelDirectory, trainable: true)
        var training = setup.training
        training.steps = 4
        training.checkpointEvery = 0
        let trainer = try Trainer(model: try TrainableModel(loaded.model), config: training)
        let loop = TrainingLoop(trainer: trainer, source: FixedBatchSource(setup.batches), validation: [],
                                runDirectory: root.appendingPathComponent("run"), assets: modelDirectory)
        loop.pausePollInterval = 0.01
        let observer = RecordingObserver()
        observer.script = [(1, [.pause]), (1, []), (1, [.checkpoint]), (1, [.resume])]
        loop.observer = observer
        #expect(try loop.run() == .finished)
        #expect(observer.pauses == [1] && observer.resumes == [1])
        #expect(observer.checkpoints == [1, 4])
        #expect(observer.steps.count == 4)
    }
}
