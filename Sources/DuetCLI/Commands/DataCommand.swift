import ArgumentParser
import Foundation
import Engine
import Synthetic

/// `duet data ...`: training data Duet generates itself.
package struct DataCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Generate training and evaluation data.",
        subcommands: [DataSynthCommand.self, DataRobustnessCommand.self])

    package init() {}
}

/// `duet data synth`: the synthetic world and instruction tasks.
struct DataSynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write a seeded synthetic data set: pretraining text, instruction chats and held-out evaluation.",
        discussion: """
        Writes pretrain.txt (stories, descriptions, facts, worked task examples), sft.jsonl (single- and \
        two-turn chats), valid.txt (held-out text), eval.jsonl (held-out items per task with the answer and \
        how to check it), README.md and stats.json. Held-out data uses other seeds and other names than the \
        training files. The same options write byte-identical files.
        """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Output directory (created if needed).") var out: String
    @Option(help: "Size of pretrain.txt + sft.jsonl together, in MB (10^6 bytes).") var sizeMb: Double = 10
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Held-out evaluation items per task type.") var evalPerTask = 100
    @Option(help: "Share of the training bytes in sft.jsonl (the rest is pretrain.txt).") var sftFraction = 0.5
    @Option(help: "Size of valid.txt as a share of pretrain.txt.") var validFraction = 0.05
    @Option(help: "Percentage of chats with a follow-up turn.") var twoTurnPercent = 25
    @Option(help: "Percentage of pretraining documents that are arithmetic drills (lines of solved equations).")
    var arithmeticDrillPercent = 0

    @Option(help: "Percentage of training list and text words that are English-shaped made-up words (\"flaskent\").")
    var englishShapedPercent = 0

    @Option(name: .customLong("task-weight"),
            help: ArgumentHelp("A task's weight in the training chats and worked examples, as TASK=N (repeatable).",
                               discussion: "Defaults: arithmetic 3, passage_qa 4, copy 1, the others 2."))
    var taskWeight: [String] = []

    func run() throws {
        global.apply()
        var options = SynthOptions(sizeMB: sizeMb, seed: seed, evalPerTask: evalPerTask, sftFraction: sftFraction,
                                   validFraction: validFraction, twoTurnPercent: twoTurnPercent)
        options.arithmeticDrillPercent = arithmeticDrillPercent
        options.englishShapedPercent = englishShapedPercent
        for entry in taskWeight {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let task = TaskType(rawValue: parts[0]), let weight = Int(parts[1]) else {
                let names = TaskType.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("--task-weight \(entry): expected TASK=N with TASK one of \(names)")
            }
            options.taskWeights[task] = weight
        }
        do { try options.validate() } catch { throw ValidationError("\(error)") }
        let directory = URL(fileURLWithPath: (out as NSString).expandingTildeInPath)
        let start = Date()
        let report: SynthReport
        do {
            report = try SyntheticDataset.write(to: directory, options: options) { line in
                FileHandle.standardError.write(Data("  \(line)\n".utf8))
            }
        } catch {
            throw CommandFailure("data synth failed: \(error)")
        }
        let seconds = Date().timeIntervalSince(start)
        let total = report.files.reduce(0) { $0 + $1.bytes }
        print("wrote \(directory.path) in \(String(format: "%.1f", seconds)) s (\(String(format: "%.2f", Double(total) / 1e6)) MB)")
        for task in TaskType.allCases {
            let sft = report.sft[task]?.total ?? 0, eval = report.eval[task]?.total ?? 0
            print("  \(task.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) sft \(sft)  eval \(eval)")
        }
        print("  held-out names: \(report.heldOutNames.count)")
    }
}
