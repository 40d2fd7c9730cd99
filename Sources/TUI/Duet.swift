import ArgumentParser
import Engine

/// The `duet` command: with no subcommand it opens the terminal UI; subcommands run headless.
@main
struct Duet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duet",
        abstract: "Chat with, compare, train and adapt Gemma 2 and T5Gemma models in the terminal.",
        version: EngineInfo.version,
        subcommands: [
            GenerateCommand.self,
            ScoreCommand.self,
            InspectCommand.self,
            InitCommand.self,
            AdaptCommand.self,
            DataCommand.self,
            EvalCommand.self,
            ConvertCommand.self,
            BenchCommand.self,
            VersionCommand.self,
        ])

    @OptionGroup var global: GlobalOptions

    mutating func run() async throws {
        global.apply()
        print(Duet.helpMessage())
    }
}

/// Options every subcommand accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Compute threads for the engine and OpenBLAS (default: all cores).")
    var threads: Int?

    /// Applies the options that configure the process (thread pools).
    func apply() {
        EngineThreads.configure(threads)
    }
}
