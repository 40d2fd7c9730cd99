import ArgumentParser
import Engine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The `duet` command: with no subcommand it opens the terminal UI; subcommands run headless.
@main
struct Duet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duet",
        abstract: "Chat with, compare, train and adapt Gemma 2 and T5Gemma models in the terminal.",
        discussion: "With no subcommand, opens the terminal UI (needs an interactive terminal).",
        version: EngineInfo.version,
        subcommands: [
            GenerateCommand.self,
            ScoreCommand.self,
            TokenizeCommand.self,
            DetokenizeCommand.self,
            InspectCommand.self,
            InitCommand.self,
            AdaptCommand.self,
            ConvertCommand.self,
            TokenizerCommand.self,
            BenchCommand.self,
            VersionCommand.self,
        ])

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Database file for the terminal UI (default: $DUET_HOME/duet.sqlite).")
    var db: String?

    mutating func run() async throws {
        global.apply()
        guard isatty(0) == 1, isatty(1) == 1 else {
            FileHandle.standardError.write(Data("duet: \(TerminalError.notATerminal); run a subcommand instead.\n\n".utf8))
            print(Duet.helpMessage())
            throw ExitCode.failure
        }
        let environment = ProcessInfo.processInfo.environment
        let paths = DuetPaths.resolve(environment: environment, database: db)
        do {
            let config = try ConfigFile.load(path: paths.config)
            let app = try TUIApp(paths: paths, config: config, environment: environment)
            app.run()
        } catch let error as ConfigError {
            throw Duet.failure("\(error)")
        } catch let error as TerminalError {
            throw Duet.failure("\(error)")
        } catch let error as KeymapError {
            throw Duet.failure("\(paths.config): \(error)")
        }
    }

    /// Prints `message` to stderr and returns the exit code to throw.
    static func failure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("duet: \(message)\n".utf8))
        return ExitCode.failure
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
