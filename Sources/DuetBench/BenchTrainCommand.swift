import ArgumentParser
import DuetCLI
import DuetCore
import Foundation
import Engine
import Tokenizers

/// `duet bench train`: training speed of a model (a preset, randomly initialised in memory, or a
/// directory): tokens/s and model FLOP/s as a fraction of a large sgemm measured in the same run.
/// Under `mpirun -np N` every rank trains its own batch of `--batch` rows and the gradients are summed
/// over the ranks each step; rank 0 reports each rank's tokens/s, their sum and the time in all-reduce.
package struct BenchTrainCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Measure training tokens/s and MFU (model FLOP/s ÷ measured sgemm peak).",
        discussion: "Random token batches, full forward/backward and AdamW steps; the median step is reported. Under mpirun: per-rank and aggregate tokens/s and the time spent summing gradients over the ranks.")

    package init() {}

    @OptionGroup var global: GlobalOptions
    @Option(help: "gemma2, gemma3 or t5gemma (with --preset).") var arch: InitCommand.Architecture = .gemma2
    @Option(help: "Preset (gemma2: tiny, mini, s, ...; t5gemma: ENC-DEC, e.g. mini-mini).") var preset = "mini"
    @Option(help: "A model directory instead of a preset.") var model: String?
    @Option(help: "Rows per batch.") var batch = 8
    @Option(name: .customLong("seq-len"), help: "Tokens per row (encoder-decoder: encoder length).") var seqLen = 128
    @Option(name: .customLong("target-len"), help: "Encoder-decoder: decoder length (default: --seq-len).") var targetLen: Int?
    @Option(help: "Timed steps (after one warm-up step).") var steps = 5
    @Flag(help: "Then as many steps again with each kind of work timed (GEMMs, attention, norms, elementwise, embedding, loss, optimizer, all-reduce); prints where a step's time goes.")
    var profile = false
    @Option(name: .customLong("overlap-allreduce"), help: "Under mpirun: sum gradients during the backward (auto: when the ranks span machines), on or off.")
    var overlapAllreduce: AllReduceOverlap = .auto
    @Flag(help: "Print JSON.") var json = false

    package func run() throws {
        try TrainRanks.run(command: "bench train", global: global) { try bench(group: $0) }
    }

    private func bench(group: ProcessGroup) throws {
        let config: ModelConfig
        let trainable: TrainableModel
        if let model {
            let loaded = try ModelLoader.load(directory: URL(fileURLWithPath: model), trainable: true)
            (config, trainable) = (loaded.config, try TrainableModel(loaded.model))
        } else {
            config = try presetConfig()
            let named = ModelInitializer.randomParameters(layout: WeightLayout.expectedShapes(config), dtype: .f32, seed: 1)
            let parameters = ParameterStore(trainableCopyOf: named)
            trainable = try TrainableModel(config.makeModel(parameters: parameters))
        }
        let trainer = try Trainer(model: trainable, config: TrainingConfig(steps: steps + 1, learningRate: 1e-4), group: group)
        trainer.overlapBucketElements = overlapAllreduce.bucketElements()
        let batchData = randomBatch(encoderDecoder: trainable.isEncoderDecoder, vocab: trainable.vocabularySize)
        let encoderLength = batchData.encoderInput?.length ?? 0
        let flops = TrainingThroughput.flops(config, batch: batch, encoderLength: encoderLength, decoderLength: batchData.decoderInput.length)
        // Ranks on one machine measure the peak together: each gets its share of the cores. The peak is the
        // best of a probe before and one after the timed steps: a probe that happens to share the cores with
        // something else reads low, and the MFU divided by it would read high.
        let peakBefore = TrainingThroughput.measurePeakGFLOPs(size: 1024, seconds: 1)
        _ = try trainer.trainStep([batchData])
        var seconds: [Double] = [], reduceSeconds: [Double] = []
        for _ in 0..<max(1, steps) {
            let start = Date()
            let report = try trainer.trainStep([batchData])
            seconds.append(Date().timeIntervalSince(start))
            reduceSeconds.append(report.allReduceSeconds)
        }
        let peak = max(peakBefore, TrainingThroughput.measurePeakGFLOPs(size: 1024, seconds: 1))
        let median = seconds.sorted()[seconds.count / 2]
        let reduceMedian = reduceSeconds.sorted()[reduceSeconds.count / 2]
        // The breakdown comes from separate steps: timing every call costs a little.
        var breakdown: StepBreakdown?
        if profile {
            StepProfile.start()
            let start = Date()
            for _ in 0..<max(1, steps) { _ = try trainer.trainStep([batchData]) }
            breakdown = StepBreakdown(totals: StepProfile.stop(), steps: max(1, steps), seconds: Date().timeIntervalSince(start))
        }
        let tokens = batch * (seqLen + (trainable.isEncoderDecoder ? (targetLen ?? seqLen) : 0))
        let achieved = flops / median / 1e9
        // Each rank's tokens/s, gathered by a sum over one slot per rank.
        var slots = [Double](repeating: 0, count: group.size)
        slots[group.rank] = Double(tokens) / median
        let perRank = try group.sum(slots)
        guard group.isRoot else { return }
        var result: [String: Any] = [
            "architecture": trainable.isEncoderDecoder ? "encoder-decoder" : "decoder-only",
            "parameters": trainable.parameters.parameterCount, "batch": batch, "encoder_length": encoderLength,
            "decoder_length": batchData.decoderInput.length, "threads": EngineThreads.count,
            "step_seconds": median, "tokens_per_second": perRank.reduce(0, +), "model_gflops_per_step": flops / 1e9,
            "achieved_gflops": achieved, "peak_sgemm_gflops": peak, "mfu": achieved / peak, "ranks": group.size,
        ]
        if group.size > 1 {
            result["tokens_per_second_per_rank"] = perRank
            result["allreduce_seconds"] = reduceMedian
            result["allreduce_bytes"] = trainer.gradients.flat.count * 4
        }
        if let breakdown { result["profile"] = breakdown.json }
        if json { return try printJSON(result) }
        print("model:        \(model ?? "\(arch.rawValue) \(preset)") (\(result["architecture"]!), \(trainable.parameters.parameterCount.formatted()) parameters)")
        print("batch:        \(batch) × \(trainable.isEncoderDecoder ? "\(encoderLength) encoder + \(batchData.decoderInput.length) decoder" : "\(seqLen)") tokens, \(EngineThreads.count) threads")
        print(String(format: "step:         %.3f s (median of %d)", median, seconds.count))
        if group.size > 1 {
            print("ranks:        \(group.size) (batch per rank; gradients summed over the ranks every step)")
            print("tokens/s:     " + perRank.map { String(format: "%.0f", $0) }.joined(separator: " + ")
                  + String(format: " = %.0f in all", perRank.reduce(0, +)))
            let overlapped = trainer.overlapBucketElements.map { String(format: "; overlapped with the backward in %g MB buckets, this is the wait after it", Double($0 * 4) / 1_048_576) } ?? ""
            print(String(format: "all-reduce:   %.3f s of the step (%.0f%%; median, rank 0, includes waiting for the slowest rank%@), %.1f MB",
                         reduceMedian, reduceMedian / median * 100, overlapped, Double(trainer.gradients.flat.count * 4) / 1e6))
        } else {
            print(String(format: "tokens/s:     %.0f", Double(tokens) / median))
        }
        print(String(format: "model FLOPs:  %.2f GFLOP/step -> %.1f GFLOP/s", flops / 1e9, achieved))
        print(String(format: "sgemm peak:   %.1f GFLOP/s (1024³, best of 2 probes, same run)", peak))
        print(String(format: "MFU:          %.1f%%%@", achieved / peak * 100, group.size > 1 ? " (rank 0)" : ""))
        if let breakdown { print(breakdown.table) }
    }

    private func presetConfig() throws -> ModelConfig {
        try InitCommand.presetConfig(arch: arch, name: preset, vocab: nil)
    }

    private func randomBatch(encoderDecoder: Bool, vocab: Int) -> TrainingBatch {
        var rng = SeededGenerator(seed: 7)
        func row(_ n: Int) -> [TokenID] { (0..<n).map { _ in TokenID(3 + Int(rng.next() % UInt64(vocab - 3))) } }
        if encoderDecoder {
            let t = targetLen ?? seqLen
            let encoder = TokenBatch(sequences: (0..<batch).map { _ in row(seqLen) }, padID: 0)
            let labels = (0..<batch).map { _ in row(t) }
            let decoder = TokenBatch(sequences: labels.map { [2] + $0.dropLast() }, padID: 0)
            return TrainingBatch(encoderInput: encoder, decoderInput: decoder, targets: labels.flatMap { $0 })
        }
        let input = TokenBatch(sequences: (0..<batch).map { _ in row(seqLen) }, padID: 0)
        return TrainingBatch(encoderInput: nil, decoderInput: input, targets: Gemma2Model.shiftedTargets(input))
    }
}
