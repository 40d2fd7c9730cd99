import Engine
import Foundation

/// The stages of a mini-replication, in order, modelled on `tools/recipe/default-models.sh`: data, tokenizer,
/// two decoder-only sources, both adaptations, continued pretraining of every arm, SFT of every arm for every
/// seed, evaluation, and the report. Every stage but the two local ones is a user-facing `duet` command.
struct ReplicationPlan {
    let layout: ExperimentLayout
    let budget: ExperimentBudget
    let seeds: [Int]
    /// `--db` of every child (training runs and evaluations are recorded there).
    let database: String
    /// `--threads` of every child but the single-threaded decode benchmark (nil: the engine's default).
    let threads: Int?
    /// Builds the report (run last, on every invocation).
    let writeReport: () throws -> Void

    /// The first seed: its SFT models are the ones benchmarked.
    var firstSeed: Int { seeds[0] }

    var stages: [ExperimentStage] {
        var stages: [ExperimentStage] = []
        let b = budget, l = layout
        func command(_ id: String, _ title: String, _ arguments: [String], stdout: String? = nil, outputs: [String] = [],
                     global: Bool = true) {
            stages.append(ExperimentStage(id: id, title: title, action: .command(arguments: arguments + (global ? globals : []), stdoutFile: stdout),
                                          outputs: outputs + [stdout].compactMap { $0 }))
        }
        func train(_ id: String, _ title: String, run: String, steps: Int, seed: Int, _ arguments: [String]) {
            let common = ["train", "--seed", String(seed), "--batch", String(b.batch), "--seq-len", String(b.sequenceLength),
                          "--out", run, "--steps", String(steps), "--warmup", String(steps / 20 + 1),
                          "--eval-every", String(steps / 5 + 1), "--checkpoint-every", String(steps / 4 + 1),
                          "--keep-checkpoints", "2", "--name", "mini-replication: \(title)"]
            stages.append(ExperimentStage(id: id, title: title, action: .train(runDirectory: run, steps: steps, arguments: common + arguments + globals,
                                                                                  resume: ["train", "--out", run, "--resume"] + globals)))
        }

        command("data", "synthetic world data (\(b.dataMegabytes) MB)",
                ["data", "synth", "--out", l.data, "--size-mb", String(b.dataMegabytes), "--seed", "1", "--eval-per-task", String(b.evalPerTask)],
                outputs: [l.data])
        command("robustness", "robustness set",
                ["data", "robustness", "--out", l.robustness, "--per-task", String(b.evalPerTask), "--seed", "1"], outputs: [l.robustness])
        command("tokenizer", "tokenizer (BPE, vocabulary \(b.vocabulary), ASCII alphabet)",
                ["tokenizer", "train", "--data", l.pretrainText, "--vocab-size", String(b.vocabulary), "--alphabet", "ascii",
                 "--character-coverage", "1.0", "--out", l.tokenizer], outputs: [l.tokenizer])
        stages.append(ExperimentStage(id: "shapes", title: "model shapes of S and L (config.json with the tokenizer's vocabulary)",
                                      action: .local { try ReplicationShapes.write(budget: b, layout: l) }))
        // The two decoder-only sources.
        for source in ["S", "L"] {
            command("init-\(source)", "decoder-only \(source), random initialisation",
                    ["init", "--config", l.shapeFile(source), "--tokenizer", l.tokenizer, "--dtype", "f32", "--seed", "1",
                     "--out", l.initial(source)], outputs: [l.initial(source)])
            train("pretrain-\(source)", "\(source) pretraining (clm)", run: l.pretrainRun(source), steps: b.pretrainSteps, seed: 1,
                  ["--model", l.initial(source), "--objective", "clm", "--data", l.pretrainText, "--lr", String(b.learningRate)])
        }
        let small = sourceModel("S"), large = sourceModel("L")
        command("adapt-SS", "balanced adaptation S-S", ["adapt", "--from", small, "--out", l.adapted("SS")], outputs: [l.adapted("SS")])
        command("adapt-LS", "unbalanced adaptation L-S (L's encoder, S's decoder)",
                ["adapt", "--from", small, "--encoder-from", large, "--seed", "1", "--out", l.adapted("LS")], outputs: [l.adapted("LS")])
        // Continued pretraining: the same budget for every arm, the decoder-only source included.
        for arm in ReplicationArm.all {
            var arguments = ["--model", start(of: arm), "--objective", arm.objective, "--data", l.pretrainText, "--lr", String(b.learningRate)]
            if arm.crossAttentionWarmup { arguments += ["--warmup-cross-attn", String(b.crossAttentionWarmup)] }
            if arm.distilled {
                arguments += ["--distill-from", small, "--distill-weight", String(b.distillWeight), "--distill-topk", "32"]
            }
            train("continued-\(arm.id)", "\(arm.label) continued pretraining (\(arm.objective))", run: l.continuedRun(arm),
                  steps: b.continuedSteps, seed: 1, arguments)
        }
        // SFT of every arm with the same data, steps and batch, for every seed; then its evaluation.
        for seed in seeds {
            for arm in ReplicationArm.all {
                var arguments = ["--model", continuedModel(arm), "--objective", "sft", "--data", l.sftData, "--lr", String(b.sftLearningRate)]
                if arm.isEncoderDecoder { arguments += ["--target-len", String(b.sftTargetLength)] }
                train("sft-\(arm.id)-seed\(seed)", "\(arm.label) SFT, seed \(seed)", run: l.sftRun(arm, seed: seed), steps: b.sftSteps,
                      seed: seed, arguments)
                for (set, file) in [("heldout", l.heldOut), ("robustness", l.robustness)] {
                    let report = l.evalReport(arm, seed: seed, set: set)
                    command("eval-\(arm.id)-seed\(seed)-\(set)", "\(arm.label), seed \(seed): \(set) evaluation",
                            ["eval", "tasks", "--model", sftModel(arm, seed: seed), "--eval", file, "--limit-per-task", String(b.evalPerTask),
                             "--max-tokens", String(b.maxReplyTokens), "--report", report],
                            stdout: report.replacingOccurrences(of: ".json", with: ".txt"), outputs: [report])
                }
            }
        }
        // Probes of the frozen representations after continued pretraining (before SFT), as the paper probes.
        for arm in ReplicationArm.all {
            for task in b.probeTasks {
                command("probe-\(arm.id)-\(task)", "\(arm.label): linear probe (\(task))",
                        ["eval", "probe", "--model", continuedModel(arm), "--task", task, "--train", String(b.probeTrain),
                         "--test", String(b.probeTest), "--seed", "1", "--json"], stdout: l.probe(arm, task: task))
            }
        }
        // Decode cost: one thread, so that the latencies compare across arms whatever else the machine does.
        for arm in ReplicationArm.all {
            stages.append(ExperimentStage(
                id: "bench-\(arm.id)", title: "\(arm.label): decode cost (1 thread)",
                action: .command(arguments: ["bench", "generate", "--model", sftModel(arm, seed: firstSeed),
                                             "--prompt-tokens", String(b.benchPromptTokens), "--tokens", String(b.benchTokens),
                                             "--runs", String(b.benchRuns), "--threads", "1"], stdoutFile: l.bench(arm)),
                outputs: [l.bench(arm)]))
        }
        // The paired comparisons behind the claims, as `duet eval diff` prints them.
        for comparison in ReplicationComparison.all {
            for set in ["heldout", "robustness"] {
                let a = seeds.flatMap { ["--a", l.evalReport(comparison.a, seed: $0, set: set)] }
                let bArgs = seeds.flatMap { ["--b", l.evalReport(comparison.b, seed: $0, set: set)] }
                command("diff-\(comparison.id)-\(set)", "\(comparison.a.label) vs \(comparison.b.label) (\(set), paired bootstrap)",
                        ["eval", "diff"] + a + bArgs + ["--name-a", comparison.a.label, "--name-b", comparison.b.label],
                        stdout: l.diff(comparison.id, set: set), global: false)   // eval diff reads files only
            }
        }
        stages.append(ExperimentStage(id: "report", title: "report.md and plots", action: .local(writeReport), always: true))
        return stages
    }

    /// `--db`, `--threads`: given to every child (`bench generate` then overrides the thread count with its own).
    private var globals: [String] {
        ["--db", database] + (threads.map { ["--threads", String($0)] } ?? [])
    }

    func sourceModel(_ source: String) -> String {
        ExperimentLayout.finalCheckpoint(layout.pretrainRun(source), steps: budget.pretrainSteps)
    }

    /// The model an arm's continued pretraining starts from.
    func start(of arm: ReplicationArm) -> String {
        switch arm.family {
        case .decoderOnly: sourceModel("S")
        case .balanced: layout.adapted("SS")
        case .unbalanced: layout.adapted("LS")
        }
    }

    func continuedModel(_ arm: ReplicationArm) -> String {
        ExperimentLayout.finalCheckpoint(layout.continuedRun(arm), steps: budget.continuedSteps)
    }

    func sftModel(_ arm: ReplicationArm, seed: Int) -> String {
        ExperimentLayout.finalCheckpoint(layout.sftRun(arm, seed: seed), steps: budget.sftSteps)
    }
}
