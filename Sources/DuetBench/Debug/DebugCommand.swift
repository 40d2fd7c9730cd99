import ArgumentParser
import Foundation

/// `duet debug ...` (hidden): processes the multi-process tests start, kill and watch.
///
/// They use the real store APIs of the TUI and the trainer; only the data is synthetic.
package struct DebugCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "debug",
        abstract: "Test helpers (hidden).",
        shouldDisplay: false,
        subcommands: [SessionsWriterCommand.self, SessionsReaderCommand.self, MetricsBatchCommand.self, StreamReplyCommand.self,
                      HoldLockCommand.self])

    package init() {}
}

/// Writes a line to stdout at once (unbuffered), so a parent that kills us has seen every line we wrote.
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// The value the synthetic metrics writers log at `step`, so readers can check every row.
func syntheticMetricValue(step: Int64) -> Double { 1 / Double(step + 1) }

/// The token the synthetic reply streams at index `i`.
func syntheticToken(_ i: Int) -> String { "tok\(i) " }
