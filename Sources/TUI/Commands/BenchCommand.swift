import ArgumentParser
import DuetBench

/// `duet bench ...`: speed measurements that print ratios against baselines measured in the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure the engine's speed on this machine.",
        subcommands: [
            BenchKernelsCommand.self,
            BenchGenerateCommand.self,
            BenchStopCommand.self,
            BenchTokenizerCommand.self,
            BenchDataCommand.self,
            BenchTrainCommand.self,
            BenchPackingCommand.self,
            SessionsBenchCommand.self,
            TUIBenchCommand.self,
            BenchDashboardCommand.self,
        ])
}
