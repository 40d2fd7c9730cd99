import ArgumentParser
import Foundation
import Engine
import Synthetic

/// `duet data robustness`: the held-out set in wordings, names and words the training data never uses.
struct DataRobustnessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "robustness",
        abstract: "Write the robustness evaluation set: every task in phrasings and names the training data never uses.",
        discussion: """
        Writes one JSON line per item in the format of eval.jsonl, for `duet eval tasks --eval FILE`: per \
        task kind, requests in new phrasings, names spelled with letters training names never use, words \
        the training data never has, numbers and lists of 2 to 8 items across the trained ranges, and about \
        30% two-turn chats whose follow-up is the evaluated turn. The same seed writes the same file.
        """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Output file (JSONL; its directory is created if needed).") var out: String
    @Option(help: "Items per task kind.") var perTask = 50
    @Option(help: "Random seed.") var seed: UInt64 = 1

    func validate() throws {
        guard perTask > 0 else { throw ValidationError("--per-task must be positive, got \(perTask)") }
    }

    func run() throws {
        global.apply()
        let url = URL(fileURLWithPath: (out as NSString).expandingTildeInPath)
        let items: [EvalItem]
        do { items = try RobustnessSet.write(to: url, perTask: perTask, seed: seed) } catch {
            throw CommandFailure("data robustness failed: \(error)")
        }
        print("wrote \(url.path) (\(items.count) items, seed \(seed))")
        for task in TaskType.allCases {
            let items = items.filter { $0.task == task.rawValue }
            let twoTurn = items.filter { $0.messages.count > 1 }.count
            print("  \(task.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(items.count)  (two-turn \(twoTurn))")
        }
    }
}
