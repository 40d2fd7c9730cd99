import ArgumentParser
import Engine
import Sessions

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
            ConvertCommand.self,
            TrainCommand.self,
            HistoryCommand.self,
            RunsCommand.self,
            BenchCommand.self,
            VersionCommand.self,
            DebugCommand.self,
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

    @Option(name: .long, help: ArgumentHelp(
        "Database file (default: $DUET_HOME/duet.sqlite).",
        discussion: "DUET_HOME defaults to $XDG_DATA_HOME/duet, else ~/.local/share/duet.",
        valueName: "path"))
    var db: String?

    /// Applies the options that configure the process (thread pools).
    func apply() {
        EngineThreads.configure(threads)
    }

    /// The database path: `--db`, else the default for this environment (see `StoreLocation`).
    var databasePath: String {
        guard let db, !db.isEmpty else { return StoreLocation.defaultDatabasePath() }
        return StoreLocation.expandTilde(db)
    }

    /// Opens the database chosen by `--db` / `DUET_HOME`.
    func openStore(access: DuetStore.Access = .readWrite) throws -> DuetStore {
        try DuetStore.open(path: databasePath, access: access)
    }
}
