import ArgumentParser
import Engine
import Foundation

/// `duet eval diff`: is model A better than model B on the same items, beyond the noise of the items?
struct EvalDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two models' `duet eval tasks --json` reports on the same file, task by task.",
        discussion: """
        Prints both accuracies, their difference and its 95% paired bootstrap interval over items. Give one \
        report per run (for example per SFT seed) with repeated --a and --b; run k of A is paired with run k \
        of B and the runs are pooled.
        """)

    @Option(help: "A report of model A (repeat for several runs).") var a: [String]
    @Option(help: "A report of model B, on the same file as the A report in the same position.") var b: [String]
    @Option(help: "Name of model A in the table.") var nameA = "A"
    @Option(help: "Name of model B in the table.") var nameB = "B"

    func run() throws {
        func load(_ paths: [String]) throws -> [[(task: String, correct: Bool)]] {
            try paths.map { path in
                let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
                guard let data = FileManager.default.contents(atPath: url.path) else {
                    throw CommandFailure("cannot read \(url.path)")
                }
                do { return try PairedComparison.outcomes(ofReport: data, file: url.path) } catch {
                    throw CommandFailure("\(error)")
                }
            }
        }
        do {
            let comparison = try PairedComparison(a: try load(a), b: try load(b))
            print(comparison.table(nameA: nameA, nameB: nameB))
        } catch let error as PairedComparisonError {
            throw CommandFailure("eval diff: \(error)")
        }
    }
}
