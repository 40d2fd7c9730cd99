import ArgumentParser
import Engine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `duet experiment ...`: multi-stage experiments built from Duet's own commands.
package struct ExperimentCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "experiment", abstract: "Run multi-stage experiments made of duet commands.",
        subcommands: [MiniReplicationCommand.self])

    package init() {}
}

/// `duet experiment mini-replication`: the paper's comparison at mini scale, end to end, resumable.
struct MiniReplicationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mini-replication",
        abstract: "Pretrain S and L, adapt S-S and L-S, continue, SFT every arm per seed, evaluate, and write DIR/report.md with plots.",
        discussion: """
        Every stage is a duet command run as a child process (its log in DIR/logs); every training run is recorded \
        in the database (--db, default DIR/experiment.sqlite; `duet --db FILE` shows them live on F4). A finished \
        stage leaves DIR/stages/STAGE.done, so running the same command again after an interruption skips the \
        finished stages and continues an interrupted training run from its latest checkpoint. Ctrl+C or SIGTERM \
        stops the running stage cleanly (training saves a checkpoint). Budgets: test (seconds, for the test \
        suite), quick (under 10 minutes on 2 cores, a smoke test), full (about 2.5 hours on 2 cores, 3 seeds).
        """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Experiment directory (keep it outside the work tree).") var out: String
    @Option(help: "test, quick or full.") var budget: ExperimentBudget.Name = .quick
    @Option(help: "SFT seeds per arm (default: 2 for test and quick, 3 for full).") var seeds: Int?
    @Option(name: .customLong("pretrain-steps"), help: "Override the budget's pretraining steps.") var pretrainSteps: Int?
    @Option(name: .customLong("continued-steps"), help: "Override the budget's continued-pretraining steps.") var continuedSteps: Int?
    @Option(name: .customLong("sft-steps"), help: "Override the budget's SFT steps.") var sftSteps: Int?

    func validate() throws {
        if let seeds, seeds < 1 { throw ValidationError("--seeds must be at least 1") }
        for (name, value) in [("--pretrain-steps", pretrainSteps), ("--continued-steps", continuedSteps), ("--sft-steps", sftSteps)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1") }
        }
        if let threads = global.threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// The budget with the step overrides applied.
    var resolvedBudget: ExperimentBudget {
        var b = ExperimentBudget.named(budget)
        if let pretrainSteps { b.pretrainSteps = pretrainSteps }
        if let continuedSteps {
            b.continuedSteps = continuedSteps
            b.crossAttentionWarmup = min(b.crossAttentionWarmup, max(1, continuedSteps / 4))
        }
        if let sftSteps { b.sftSteps = sftSteps }
        return b
    }

    func run() throws {
        global.apply()
        let root = URL(fileURLWithPath: (out as NSString).expandingTildeInPath).standardizedFileURL
        let layout = ExperimentLayout(root: root)
        let b = resolvedBudget
        let seedList = Array(1...(seeds ?? b.defaultSeeds))
        let database = global.db.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath).standardizedFileURL.path }
            ?? layout.path("experiment.sqlite")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let lock = try ExperimentLock(directory: root.path)
        defer { withExtendedLifetime(lock) {} }
        let settings = ExperimentSettings(budget: b.name.rawValue, seeds: seedList.count, pretrainSteps: b.pretrainSteps,
                                          continuedSteps: b.continuedSteps, sftSteps: b.sftSteps, database: database)
        try settings.checkOrWrite(layout.settings)

        var plan = ReplicationPlan(layout: layout, budget: b, seeds: seedList, database: database, threads: global.threads,
                                   writeReport: {})
        let reportPlan = plan
        plan = ReplicationPlan(layout: layout, budget: b, seeds: seedList, database: database, threads: global.threads,
                               writeReport: { try ReplicationReportWriter.write(plan: reportPlan) })
        let stages = plan.stages
        // Exactly as invoked (the program as typed, global options where they were), to copy and paste.
        let continueCommand = Self.shellCommand(CommandLine.arguments)
        print("mini-replication: budget \(b.name.rawValue), \(seedList.count) SFT seed\(seedList.count == 1 ? "" : "s"), \(stages.count) stages")
        print("  state: \(root.path) (a marker per finished stage in stages/, logs in logs/)")
        print("  runs:  \(database) (watch them live: duet --db \(Self.shellQuote(database)), F4)")
        print("  stop with Ctrl+C at any time; the same command continues where it stopped")
        fflush(stdout)

        let children = ChildProcesses()
        children.installSignalForwarding()
        let start = Date()
        switch try StageRunner(layout: layout, children: children).run(stages) {
        case let .interrupted(signal):
            let name = signal == SIGINT ? "SIGINT" : signal == SIGHUP ? "SIGHUP" : "SIGTERM"
            FileHandle.standardError.write(Data("""
                duet experiment: stopped by \(name); finished stages are kept in \(root.path)/stages.
                Continue with the same command:
                  \(continueCommand)

                """.utf8))
            throw ExitCode(130)
        case .finished:
            print(String(format: "finished in %.1f s: ", Date().timeIntervalSince(start)) + layout.report)
            if let text = try? String(contentsOfFile: layout.report, encoding: .utf8),
               let claims = text.range(of: "\n| # |"), let end = text.range(of: "\n\n", range: claims.upperBound..<text.endIndex) {
                print(text[claims.lowerBound..<end.lowerBound].trimmingCharacters(in: .newlines))
            }
        }
    }

    static func shellQuote(_ word: String) -> String {
        let safe = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_./=:,+@%"))
        return word.unicodeScalars.allSatisfy(safe.contains) && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func shellCommand(_ words: [String]) -> String { words.map(shellQuote).joined(separator: " ") }
}
