import ArgumentParser
import DuetCLI
import Foundation
import Sessions

/// `duet debug metrics-batch`: commits some metrics batches, then stalls inside the next one (its
/// transaction open, half its rows inserted) so a test can SIGKILL the process mid-batch.
struct MetricsBatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics-batch", abstract: "Commit metric batches, then stall inside one (test helper).")

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("run"), help: "Run id to log to.") var runId: Int64
    @Option(help: "Rows per batch.") var batchRows = 1000
    @Option(help: "Batches to commit before the one that stalls.") var completeBatches = 3
    @Option(help: "How long to stall inside the last batch, seconds.") var stallSeconds = 60.0

    /// Metrics of one batch; optionally announces itself and sleeps half-way (inside the transaction).
    struct Batch: Sequence, IteratorProtocol {
        let run: Int64
        let range: Range<Int64>
        let stall: Double?
        var cursor: Int64

        init(run: Int64, range: Range<Int64>, stall: Double?) {
            self.run = run
            self.range = range
            self.stall = stall
            self.cursor = range.lowerBound
        }

        mutating func next() -> Metric? {
            guard cursor < range.upperBound else { return nil }
            if let stall, cursor == range.lowerBound + Int64(range.count / 2) {
                emit("inside batch at step \(cursor)")
                usleep(UInt32(stall * 1e6))
            }
            defer { cursor += 1 }
            return Metric(runId: run, step: cursor, name: "loss", value: syntheticMetricValue(step: cursor))
        }
    }

    func run() throws {
        let store = try global.openStore()
        let size = Int64(batchRows)
        for batch in 0..<Int64(completeBatches) {
            try store.insertMetrics(Batch(run: runId, range: batch * size..<(batch + 1) * size, stall: nil))
            emit("committed batch \(batch + 1) rows=\((batch + 1) * size)")
        }
        let last = Int64(completeBatches)
        try store.insertMetrics(Batch(run: runId, range: last * size..<(last + 1) * size, stall: stallSeconds))
        emit("stall over: committed batch \(last + 1)")
    }
}
