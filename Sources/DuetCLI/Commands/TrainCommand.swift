import ArgumentParser
import Foundation
import Engine
import Sessions

extension TrainingObjective: ExpressibleByArgument {}
extension LearningRateDecay: ExpressibleByArgument {}

/// `duet train`: trains or adapts a model, one run per invocation, recorded in the database.
package struct TrainCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train, adapt or fine-tune a Gemma 2 or T5Gemma model on a text or JSONL corpus.",
        discussion: """
        Objectives: clm (decoder-only pretraining), prefixlm and ul2 (encoder-decoder adaptation; prefixlm \
        also for decoder-only), sft (chat data). Checkpoints go to RUN_DIR/checkpoints/step-N in Hugging Face \
        layout with f32 weights, optimizer state and data position; RUN_DIR/latest names the newest. \
        `--resume` continues a run from its latest checkpoint with the settings it was started with. The run, \
        its metrics and checkpoints are recorded in the database; `duet runs` shows them. Pause, resume, stop \
        and checkpoint requests posted there are honoured at the next step; SIGINT/SIGTERM save a checkpoint \
        and stop. Under `mpirun -np N` the ranks train one run by data parallelism: --batch is rows per rank         (the global batch is N times it, the same rows in the same order as one process with --batch B·N),         and rank 0 alone writes the database, checkpoints and output.
        """)

    package init() {}

    @OptionGroup var global: GlobalOptions
    @Option(help: "Model directory to start from (Hugging Face layout).") var model: String?
    @Option(help: "Training objective: clm, prefixlm, ul2 or sft.") var objective: TrainingObjective = .clm
    @Option(help: "Text file, directory of .txt/.md/.jsonl files, or JSONL file.") var data: String?
    @Option(help: "Run directory (checkpoints, run.json).") var out: String
    @Option(help: ArgumentHelp("Optimizer steps (default: 1000). With --resume: a new total for the run.",
                               discussion: "The cosine schedule is recomputed for the new total from the resumed step on."))
    var steps: Int?
    @Option(help: "Rows per batch (under mpirun: per rank).") var batch = 8
    @Option(name: .customLong("seq-len"), help: "Tokens per row (encoder-decoder: encoder length).") var seqLen = 512
    @Option(name: .customLong("target-len"), help: "Encoder-decoder: decoder length (default: --seq-len).") var targetLen: Int?
    @Option(help: "Peak learning rate.") var lr = 3e-4
    @Option(help: "Linear warm-up steps.") var warmup = 0
    @Option(help: "After warm-up: cosine or constant.") var schedule: LearningRateDecay = .cosine
    @Option(name: .customLong("min-lr-fraction"), help: "Cosine floor as a fraction of the peak.") var minLRFraction = 0.1
    @Option(name: .customLong("weight-decay"), help: "AdamW decoupled weight decay (not on norms and embeddings).") var weightDecay = 0.1
    @Flag(name: .customLong("decay-norms-and-embeddings"), help: "Apply weight decay to norms and embeddings too.")
    var decayNormsAndEmbeddings = false
    @Option(help: "AdamW beta1.") var beta1 = 0.9
    @Option(help: "AdamW beta2.") var beta2 = 0.95
    @Option(help: "Global gradient-norm clipping (0: off).") var clip = 1.0
    @Option(name: .customLong("grad-accum"), help: "Micro-batches per optimizer step.") var gradAccum = 1
    @Option(help: "Seed of the data order, splits and masks.") var seed: UInt64 = 0
    @Option(name: .customLong("eval-every"), help: "Validate every N steps (0: only at the end).") var evalEvery = 100
    @Option(name: .customLong("eval-batches"), help: "Validation batches per evaluation.") var evalBatches = 8
    @Option(name: .customLong("validation-fraction"), help: "Fraction of documents held out.") var validationFraction = 0.05
    @Option(name: .customLong("checkpoint-every"), help: "Checkpoint every N steps (0: only at the end).") var checkpointEvery = 500
    @Option(name: .customLong("keep-checkpoints"), help: ArgumentHelp(
        "Keep the newest N checkpoints on disk, deleting older ones (0: keep all).",
        discussion: "Each checkpoint holds the weights and both AdamW moments: 12 bytes per parameter."))
    var keepCheckpoints = 3
    @Option(name: .customLong("warmup-cross-attn"), help: "Train only cross-attention for the first K steps (encoder-decoder).")
    var warmupCrossAttn = 0
    @Option(name: .customLong("distill-from"), help: "Teacher model directory (prefixlm).") var distillFrom: String?
    @Option(name: .customLong("distill-topk"), help: "Teacher probabilities kept per position.") var distillTopk = 32
    @Option(name: .customLong("distill-weight"), help: "Weight of the soft-target loss.") var distillWeight: Float = 0.5
    @Flag(inversion: .prefixedNo, help: "Pack several short examples into each row (encoder and decoder rows alike).") var packing = true
    @Option(help: "Run name shown by `duet runs`.") var name: String?
    @Option(name: .customLong("overlap-allreduce"), help: ArgumentHelp(
        "Under mpirun: sum gradients over the ranks during the backward (auto: when the ranks span machines), on or off.",
        discussion: "Buckets of DUET_ALLREDUCE_BUCKET_MB megabytes (default 25), whole blocks each, are summed by a thread of their own as the backward finishes them.")) var overlapAllreduce: AllReduceOverlap = .auto
    @Flag(help: "Continue the run in --out from its latest checkpoint.") var resume = false
    @Flag(help: "Print one JSON object per line (start, step, eval, checkpoint, end).") var json = false
    @Flag(name: .customLong("measure-peak"), help: ArgumentHelp(
        "Measure the sgemm peak MFU is relative to again, and keep it for later runs.",
        discussion: "By default every run on a machine uses the peak measured (and kept in $DUET_HOME/sgemm-peak.json) the first time, per thread count, so their MFU compare.")) var measurePeak = false

    package func validate() throws {
        if keepCheckpoints < 0 { throw ValidationError("--keep-checkpoints must be 0 (keep all) or more") }
        if !resume {
            guard model != nil else { throw ValidationError("--model is required (or --resume)") }
            guard data != nil else { throw ValidationError("--data is required (or --resume)") }
        }
        if distillFrom != nil && objective != .prefixlm {
            throw ValidationError("--distill-from works with --objective prefixlm")
        }
    }

    package func run() throws {
        try TrainRanks.run(command: "train", global: global) { try train(group: $0) }
    }

    private func train(group: ProcessGroup) throws {
        let runDirectory = URL(fileURLWithPath: (out as NSString).expandingTildeInPath)
        var runFile: TrainRunFile
        if resume {
            runFile = try TrainRunFile.load(from: runDirectory)
            if let steps, steps != runFile.training.steps {
                // Train longer (or stop earlier) than the run was started with.
                runFile.training.steps = steps
                try runFile.training.validate()
            }
        } else {
            if FileManager.default.fileExists(atPath: TrainRunFile.url(in: runDirectory).path) {
                throw ValidationError("\(runDirectory.path) already holds a run; pass --resume to continue it or choose another --out")
            }
            runFile = try newRunFile(ranks: group.size)
        }
        // Every rank has looked at the run directory before rank 0 writes to it.
        if group.size > 1 { try group.barrier() }
        try TrainSession(runFile: runFile, runDirectory: runDirectory, resume: resume, global: global, json: json,
                         keepCheckpoints: keepCheckpoints, measurePeak: measurePeak, group: group,
                         overlapBucketElements: overlapAllreduce.bucketElements()).run()
    }

    /// The run as given by the flags; `ranks` processes each take `--batch` rows of every global batch.
    private func newRunFile(ranks: Int) throws -> TrainRunFile {
        let modelPath = URL(fileURLWithPath: (model! as NSString).expandingTildeInPath).standardizedFileURL.path
        let config = try ModelConfigFile.load(directory: URL(fileURLWithPath: modelPath))
        let dataOptions = DataOptions(objective: objective, encoderDecoder: config.isEncoderDecoder, batchSize: batch * ranks,
                                      sequenceLength: seqLen, targetLength: targetLen,
                                      packing: packing, validationFraction: validationFraction, seed: seed)
        let training = TrainingConfig(
            steps: steps ?? 1000, learningRate: lr, warmupSteps: warmup, decay: schedule, minimumLearningRateFraction: minLRFraction,
            optimizer: AdamWConfig(beta1: beta1, beta2: beta2, weightDecay: weightDecay,
                                   decayNormsAndEmbeddings: decayNormsAndEmbeddings),
            clipNorm: clip > 0 ? clip : nil, gradientAccumulation: gradAccum, crossAttentionWarmupSteps: warmupCrossAttn,
            distillation: distillFrom.map {
                DistillationConfig(teacherDirectory: URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath).standardizedFileURL.path,
                                   topK: distillTopk, weight: distillWeight)
            },
            evalEvery: evalEvery, checkpointEvery: checkpointEvery, seed: seed)
        try training.validate()
        try dataOptions.validate()
        return TrainRunFile(modelDirectory: modelPath,
                            dataPath: URL(fileURLWithPath: (data! as NSString).expandingTildeInPath).standardizedFileURL.path,
                            data: dataOptions, training: training, evalBatches: evalBatches, name: name,
                            kind: TrainRunFile.kind(for: objective), runId: nil, databasePath: global.databasePath)
    }
}
