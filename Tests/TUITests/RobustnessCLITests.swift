import Engine
import Foundation
@testable import Synthetic
import Testing

/// `duet data robustness` run as a user runs it.
@Suite struct RobustnessCLITests {
    @Test func robustnessCommandWritesAnEvalFile() throws {
        let directory = TemporaryDirectory()
        let file = directory.file("sets/robustness.jsonl")
        let run = try runDuet(["data", "robustness", "--out", file, "--per-task", "4", "--seed", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        for task in TaskType.allCases { #expect(run.stdout.contains("\(task.rawValue)"), "\(run.stdout)") }
        // What `duet eval tasks --eval` reads, line by line.
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let lines = text.split(separator: "\n")
        let items = try lines.enumerated().map { try EvalItem(jsonLine: String($1), file: file, line: $0 + 1) }
        #expect(items.count == 4 * TaskType.allCases.count)
        #expect(items == (try RobustnessSet.items(perTask: 4, seed: 2)))
        #expect(try EvalItem.load(from: URL(fileURLWithPath: file)) == items)

        // The same seed writes the same bytes; a bad count is refused before anything is written.
        let again = try runDuet(["data", "robustness", "--out", file, "--per-task", "4", "--seed", "2"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text)
        let refused = try runDuet(["data", "robustness", "--out", directory.file("none.jsonl"), "--per-task", "0"])
        #expect(refused.status != 0 && refused.stderr.contains("--per-task"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("none.jsonl")))
    }
}
