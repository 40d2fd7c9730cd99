import ArgumentParser
import Engine
import Sessions

/// Options every subcommand accepts.
package struct GlobalOptions: ParsableArguments {
    package init() {}

    @Option(name: .long, help: "Compute threads for the engine and OpenBLAS (default: all cores).")
    var threads: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Database file (default: $DUET_HOME/duet.sqlite).",
        discussion: "DUET_HOME defaults to $XDG_DATA_HOME/duet, else ~/.local/share/duet.",
        valueName: "path"))
    package var db: String?

    /// Applies the options that configure the process (thread pools).
    package func apply() {
        EngineThreads.configure(threads)
    }

    /// The database path: `--db`, else the default for this environment (see `DuetPaths`).
    var databasePath: String { DuetPaths.resolve(database: db).database }

    /// Opens the database chosen by `--db` / `DUET_HOME`.
    package func openStore(access: DuetStore.Access = .readWrite) throws -> DuetStore {
        try DuetStore.open(path: databasePath, access: access)
    }
}
