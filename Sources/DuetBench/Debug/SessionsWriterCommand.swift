import ArgumentParser
import DuetCLI
import Foundation
import Sessions

/// `duet debug sessions-writer`: logs one metric row per tick at a fixed rate through `MetricsWriter`,
/// as a training loop does.
struct SessionsWriterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions-writer", abstract: "Log synthetic metrics at a fixed rate (test helper).")

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("run"), help: "Run id to log to.") var runId: Int64
    @Option(help: "Rows per second.") var rowsPerSecond = 100.0
    @Option(help: "How long to write, seconds.") var seconds = 30.0
    @Option(help: "MetricsWriter batch size.") var batchSize = 25
    @Option(help: "MetricsWriter maximum delay, milliseconds.") var maxDelayMs = 250.0

    func run() throws {
        let store = try global.openStore()
        let writer = try store.metricsWriter(runId: runId, batchSize: batchSize, maxDelay: maxDelayMs / 1000) { rows in
            emit("committed \(rows)")
        }
        let total = Int64((rowsPerSecond * seconds).rounded())
        let start = Date()
        for step in 0..<total {
            // Pace against the start time so the rate does not drift.
            let due = start.addingTimeInterval(Double(step) / rowsPerSecond)
            let wait = due.timeIntervalSinceNow
            if wait > 0 { usleep(UInt32(wait * 1e6)) }
            writer.log(step: step, name: "loss", value: syntheticMetricValue(step: step))
            if step % 100 == 0 { try store.heartbeat(runId: runId) }
        }
        try writer.close()
        if let error = writer.lastError { throw error }
        emit("done rows=\(writer.committedCount) seconds=\(String(format: "%.2f", Date().timeIntervalSince(start)))")
    }
}

/// `duet debug sessions-reader`: polls a run's metrics like the dashboard does and checks that what it
/// sees is always a gap-free, correct prefix of what the writer logs.
struct SessionsReaderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions-reader", abstract: "Poll and verify synthetic metrics (test helper).")

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("run"), help: "Run id to read.") var runId: Int64
    @Option(help: "Stop once this many rows were seen.") var expectRows: Int
    @Option(help: "Give up after this many seconds.") var timeout = 60.0
    @Option(help: "Pause between polls, milliseconds.") var intervalMs = 20.0

    func run() throws {
        let store = try global.openStore(access: .readOnly)
        var seen: Int64 = 0  // steps 0..<seen verified
        var reads = 0, errors = 0, problems: [String] = []
        let start = Date()
        while seen < expectRows && Date().timeIntervalSince(start) < timeout {
            do {
                let points = try store.metricSeries(runId: runId, name: "loss", afterStep: seen - 1)
                let count = try store.metricCount(runId: runId)
                reads += 1
                for point in points {
                    if point.step != seen { problems.append("expected step \(seen), read \(point.step)"); break }
                    if point.value != syntheticMetricValue(step: point.step) { problems.append("wrong value at step \(point.step)") }
                    seen += 1
                }
                if count < Int(seen) { problems.append("count \(count) below rows already seen \(seen)") }
            } catch {
                errors += 1
                emit("error: \(error)")
            }
            if !problems.isEmpty { break }
            usleep(UInt32(intervalMs * 1000))
        }
        emit("reader reads=\(reads) rows=\(seen) errors=\(errors) problems=\(problems.count)")
        for problem in problems.prefix(5) { emit("problem: \(problem)") }
        if errors > 0 || !problems.isEmpty || seen != expectRows { throw ExitCode.failure }
    }
}
