import Foundation

/// Where Duet keeps its files: the one resolver of `$DUET_HOME`, `$XDG_DATA_HOME` and `$HOME` for
/// the UI, the trainers it launches, the CLI and ``DuetStore/open(defaultFor:access:options:)``, so
/// they always open the same files.
///
/// The home is
/// - `DUET_HOME` if set and non-empty (a leading `~/` is expanded);
/// - else `$XDG_DATA_HOME/duet` if `XDG_DATA_HOME` is set to an absolute path
///   (the XDG spec says relative values must be ignored);
/// - else `~/.local/share/duet`;
///
/// holding `duet.sqlite` (unless `duet --db PATH` names another database), `config.toml`, `models/`
/// and `runs/`.
public struct DuetPaths: Equatable, Sendable {
    /// File name of the database inside the home.
    public static let databaseFileName = "duet.sqlite"

    public var home: String
    public var database: String

    public init(home: String, database: String) {
        self.home = home
        self.database = database
    }

    public var config: String { home + "/config.toml" }
    public var models: String { home + "/models" }

    /// Resolves the paths from the environment; `database` (from `--db`) overrides the default database.
    /// `~` is expanded everywhere; the database path is absolute, so a child started in another
    /// directory opens the same file.
    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment,
                               database: String? = nil) -> DuetPaths {
        let home = duetHome(environment: environment)
        let trimmed = home.count > 1 && home.hasSuffix("/") ? String(home.dropLast()) : home
        let chosen = database.flatMap { $0.isEmpty ? nil : expandTilde($0, environment: environment) }
        return DuetPaths(home: trimmed, database: absolutePath(chosen ?? (trimmed + "/" + databaseFileName)))
    }

    /// The Duet home directory for `environment`, as the environment gives it (see the type's notes).
    static func duetHome(environment: [String: String]) -> String {
        let home = homeDirectory(environment: environment)
        if let duetHome = environment["DUET_HOME"], !duetHome.isEmpty {
            return expandTilde(duetHome, home: home)
        }
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return (xdg as NSString).appendingPathComponent("duet")
        }
        return (home as NSString).appendingPathComponent(".local/share/duet")
    }

    /// `HOME` if set and non-empty: the user's home as the environment states it (nil when it does not).
    public static func userHome(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `HOME` if set, else the password database's entry for the current user.
    static func homeDirectory(environment: [String: String]) -> String {
        userHome(environment: environment) ?? FileManager.default.homeDirectoryForCurrentUser.path
    }

    /// Expands a leading `~/` with the home directory of `environment`.
    public static func expandTilde(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        expandTilde(path, home: homeDirectory(environment: environment))
    }

    static func expandTilde(_ path: String, home: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return (home as NSString).appendingPathComponent(String(path.dropFirst(2))) }
        return path
    }

    /// `path` made absolute against the working directory, `.`/`..` resolved.
    static func absolutePath(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (full as NSString).standardizingPath
    }
}
