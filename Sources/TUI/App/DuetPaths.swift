import Foundation
import Sessions
/// Where Duet keeps its files: `$DUET_HOME` (default `$XDG_DATA_HOME/duet`, else `~/.local/share/duet`)
/// holding `duet.sqlite`, `config.toml`, `models/` and `runs/`.
public struct DuetPaths: Equatable {
    public var home: String
    public var database: String

    public var config: String { home + "/config.toml" }
    public var models: String { home + "/models" }

    /// Resolves the paths from the environment; `database` (from `--db`) overrides the default database.
    /// The one resolver of the UI, the trainers it launches and the CLI (``StoreLocation`` decides the
    /// home: `~` expanded everywhere), so they always open the same file; the database path is absolute,
    /// so a child started in another directory opens it too.
    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment,
                               database: String? = nil) -> DuetPaths {
        let home = StoreLocation.duetHome(environment: environment)
        let trimmed = home.count > 1 && home.hasSuffix("/") ? String(home.dropLast()) : home
        let chosen = database.flatMap { $0.isEmpty ? nil : StoreLocation.expandTilde($0, environment: environment) }
        return DuetPaths(home: trimmed, database: absolutePath(chosen ?? (trimmed + "/" + StoreLocation.databaseFileName)))
    }

    /// `path` made absolute against the working directory, `.`/`..` resolved.
    static func absolutePath(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (full as NSString).standardizingPath
    }
}
