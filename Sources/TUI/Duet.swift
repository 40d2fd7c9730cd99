import ArgumentParser
import DuetBench
import DuetCLI
import Engine
import Foundation
import Sessions
#if canImport(Glibc)
import Glibc
#endif

/// The `duet` command: with no subcommand it opens the terminal UI; subcommands run headless.
/// (`DuetMain` runs it, after moving global options written before a subcommand behind it.)
struct Duet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duet",
        abstract: "Chat with, compare, train and adapt Gemma 2 and T5Gemma models in the terminal.",
        discussion: "With no subcommand, opens the terminal UI (needs an interactive terminal).",
        version: EngineInfo.version,
        subcommands: [
            UICommand.self,
            GenerateCommand.self,
            ScoreCommand.self,
            EncodeCommand.self,
            TokenizeCommand.self,
            DetokenizeCommand.self,
            InspectCommand.self,
            ModelsCommand.self,
            InitCommand.self,
            AdaptCommand.self,
            DataCommand.self,
            EvalCommand.self,
            ExperimentCommand.self,
            ConvertCommand.self,
            TokenizerCommand.self,
            TrainCommand.self,
            HistoryCommand.self,
            RunsCommand.self,
            BenchCommand.self,
            VersionCommand.self,
            DebugCommand.self,
        ],
        defaultSubcommand: UICommand.self)

    /// Prints `message` to stderr and returns the exit code to throw.
    static func failure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("duet: \(message)\n".utf8))
        return ExitCode.failure
    }
}

/// `duet [ui]`: the terminal UI (the default subcommand, so `duet --model DIR` opens it).
struct UICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Open the terminal UI (what `duet` with no subcommand does).",
        discussion: "Needs an interactive terminal of at least 40x12.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp(
        "A model directory (or a folder of model directories) to chat with; repeatable.",
        discussion: "The first one is the chat model. Models are also found in assets/models and $DUET_HOME/models.",
        valueName: "dir"))
    var model: [String] = []

    @Option(name: .long, help: "Default maximum new tokens per reply (chat settings and generation_config.json override it).")
    var maxTokens = 512

    @OptionGroup var weights: QuantizeOption

    func validate() throws {
        if maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1") }
        for dir in model where !FileManager.default.fileExists(atPath: (dir as NSString).expandingTildeInPath) {
            throw ValidationError("--model \(dir): no such directory")
        }
    }

    /// Each `--model` must be a model that loads, or a folder holding at least one model directory: a
    /// broken one fails here, before the UI opens, with the message the other commands give.
    func checkModelOptions() throws {
        for dir in model {
            let path = ModelDiscovery.absolute(dir)
            if ModelDiscovery.isModelDirectory(path) {
                let facts: ModelFacts
                do { facts = try ModelFacts.read(URL(fileURLWithPath: path)) } catch {
                    throw Duet.failure("cannot open model \(path): \(error)")
                }
                if let problem = facts.problem { throw Duet.failure("cannot open model \(path): \(problem)") }
            } else if !ModelDiscovery.subdirectories(path).contains(where: ModelDiscovery.isModelDirectory) {
                throw Duet.failure("--model \(path): not a model directory (no config.json) and no model directories inside")
            }
        }
    }

    mutating func run() async throws {
        global.apply()
        try checkModelOptions()
        guard isatty(0) == 1, isatty(1) == 1 else {
            FileHandle.standardError.write(Data("duet: \(TerminalError.notATerminal); run a subcommand instead.\n\n".utf8))
            print(Duet.helpMessage())
            throw ExitCode.failure
        }
        let environment = ProcessInfo.processInfo.environment
        let paths = DuetPaths.resolve(environment: environment, database: global.db)
        do {
            let config = try ConfigFile.load(path: paths.config)
            let store: DuetStore
            do { store = try DuetStore.open(path: paths.database) } catch { throw Duet.failure("\(error)") }
            let app = try TUIApp(paths: paths, config: config, environment: environment, store: store,
                                 modelDirectories: model, defaultMaxTokens: maxTokens, quantization: weights.quantize)
            app.run()
        } catch let error as ConfigError {
            throw Duet.failure("\(error)")
        } catch let error as TerminalError {
            throw Duet.failure("\(error)")
        } catch let error as KeymapError {
            throw Duet.failure("\(paths.config): \(error)")
        }
    }
}
