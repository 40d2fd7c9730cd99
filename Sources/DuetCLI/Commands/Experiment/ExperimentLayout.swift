import Foundation

/// Where a mini-replication keeps everything, under its `--out` directory.
struct ExperimentLayout: Sendable {
    let root: URL

    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    var settings: String { path("experiment.json") }
    var stages: String { path("stages") }
    var logs: String { path("logs") }
    var data: String { path("data") }
    var pretrainText: String { path("data/pretrain.txt") }
    var sftData: String { path("data/sft.jsonl") }
    var heldOut: String { path("data/eval.jsonl") }
    var robustness: String { path("robustness.jsonl") }
    var tokenizer: String { path("tokenizer") }
    var report: String { path("report.md") }
    func shapeFile(_ source: String) -> String { path("shapes/\(source).json") }
    func initial(_ source: String) -> String { path("init/\(source)") }
    func pretrainRun(_ source: String) -> String { path("runs/pretrain-\(source)") }
    func adapted(_ pair: String) -> String { path("adapted/\(pair)") }
    func continuedRun(_ arm: ReplicationArm) -> String { path("runs/continued-\(arm.id)") }
    func sftRun(_ arm: ReplicationArm, seed: Int) -> String { path("runs/sft-\(arm.id)-seed\(seed)") }
    /// `duet eval tasks --report` of one SFT run on one set (`heldout` or `robustness`).
    func evalReport(_ arm: ReplicationArm, seed: Int, set: String) -> String { path("eval/\(arm.id)-seed\(seed)-\(set).json") }
    func probe(_ arm: ReplicationArm, task: String) -> String { path("eval/probe-\(arm.id)-\(task).json") }
    func bench(_ arm: ReplicationArm) -> String { path("eval/bench-\(arm.id).txt") }
    func diff(_ name: String, set: String) -> String { path("eval/diff-\(name)-\(set).txt") }
    func marker(_ stage: String) -> String { path("stages/\(stage).done") }
    func log(_ stage: String) -> String { path("logs/\(stage).log") }

    /// The final checkpoint of a training run that trained `steps` steps.
    static func finalCheckpoint(_ runDirectory: String, steps: Int) -> String { runDirectory + "/checkpoints/step-\(steps)" }
}
