import ArgumentParser
import Foundation
import Sessions

/// `duet runs ...`: training, adaptation and evaluation runs, headless.
package struct RunsCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List runs and show their config, status and last metrics.",
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self)

    package init() {}

    /// `duet runs [list] [--json]`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List runs, newest first.")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false
        @Option(help: "Show at most this many runs.") var limit = 20

        func run() throws {
            let store = try global.openStore()
            let runs = try store.runs(limit: limit)
            if json { print(try CLIOutput.json(runs)); return }
            if runs.isEmpty { print("No runs in \(store.path)."); return }
            print(CLIOutput.table(
                header: ["ID", "KIND", "STATUS", "CREATED", "HEARTBEAT", "NAME"],
                rows: runs.map { run in
                    [String(run.id), run.kind.rawValue, run.status.rawValue, CLIOutput.date(run.createdAt),
                     run.status == .running || run.status == .paused || run.status == .lost ? CLIOutput.age(run.heartbeatAt) : "-",
                     run.name ?? run.outputDirectory ?? ""]
                }, numeric: [0]))
        }
    }

    /// "65.4 GFLOP/s (sgemm 1024³ f32, best call of 2.0 s, 2 threads), measured 2026-12-05 10:23": what the
    /// run's MFU divides by; a probe starved by other processes says so.
    static func peakText(_ peak: MFUReference) -> String {
        var text = String(format: "%.1f GFLOP/s", peak.peakGflops) + " (\(peak.method)), measured \(CLIOutput.date(peak.measuredAt))"
        if let share = peak.cpuShare, share < SgemmPeak.busyShare {
            text += String(format: "; the probe got %.0f%% of its threads' time (likely low)", share * 100)
        }
        return text
    }

    /// `duet runs show RUN [--json]`
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show a run: config, status, last metrics, checkpoints, control requests.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Run id (see `duet runs`).", valueName: "run")) var runId: Int64
        @Flag(help: "Print JSON.") var json = false

        struct Document: Encodable {
            var run: Run
            /// Processes that trained the run together (`mpirun -np N`; 1 alone).
            var ranks: Int
            var latestMetrics: [Metric]
            var checkpoints: [CheckpointRecord]
            var controlRequests: [ControlRequest]
        }

        func run() throws {
            let store = try global.openStore()
            guard let record = try store.run(id: runId) else { throw SessionsError.notFound(kind: "run", id: runId) }
            var ranks = 1
            if case .int(let n) = record.config["ranks"], n > 0 { ranks = Int(n) }
            let document = Document(run: record, ranks: ranks, latestMetrics: try store.latestMetrics(runId: runId),
                                    checkpoints: try store.checkpoints(runId: runId),
                                    controlRequests: try store.controlRequests(runId: runId))
            if json { print(try CLIOutput.json(document)); return }
            var status = record.status.rawValue
            if record.status == .lost { status += " (recorded \(record.recordedStatus.rawValue), last heartbeat \(CLIOutput.age(record.heartbeatAt)))" }
            print("run \(record.id) · \(record.kind.rawValue)\(record.name.map { " · \($0)" } ?? "")")
            print("status:     \(status)")
            if let pid = record.processId { print("process:    \(pid)\(record.hostName.map { " on \($0)" } ?? "") · heartbeat \(CLIOutput.age(record.heartbeatAt))") }
            print("created:    \(CLIOutput.date(record.createdAt)) · started \(CLIOutput.date(record.startedAt)) · ended \(CLIOutput.date(record.endedAt))")
            if let output = record.outputDirectory { print("output:     \(output)") }
            if let error = record.error { print((record.status == .failed ? "error:      " : "reason:     ") + error) }
            if let peak = record.mfuReference { print("mfu peak:   \(RunsCommand.peakText(peak))") }
            let tokens = document.latestMetrics.first { $0.name == "tokens_per_second" }?.value
            print("ranks:      \(ranks)" + (ranks > 1 ? " (data parallel)" : "") + (tokens.map {
                " · " + CLIOutput.number($0) + " tokens/s" + (ranks > 1 ? " in all, " + CLIOutput.number($0 / Double(ranks)) + " per rank" : "")
            } ?? ""))
            print("config:\n\(record.config.jsonText(pretty: true))")
            if !document.latestMetrics.isEmpty {
                print("\nlast metrics:")
                print(CLIOutput.table(header: ["NAME", "STEP", "VALUE", "TIME"], rows: document.latestMetrics.map {
                    [$0.name, String($0.step), CLIOutput.number($0.value), CLIOutput.date($0.wallTime)]
                }, numeric: [1, 2]))
            }
            if !document.checkpoints.isEmpty {
                print("\ncheckpoints:")
                print(CLIOutput.table(header: ["STEP", "PATH", "EVAL"], rows: document.checkpoints.map {
                    [String($0.step), $0.path, $0.evalResults?.jsonText() ?? "-"]
                }, numeric: [0]))
            }
            let pending = document.controlRequests.filter { $0.acknowledgedAt == nil }
            if !pending.isEmpty {
                print("\npending requests: " + pending.map { $0.action.rawValue }.joined(separator: ", "))
            }
        }
    }
}
