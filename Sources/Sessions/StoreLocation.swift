import Foundation

/// Where Duet keeps its files, resolved from the environment.
///
/// - `DUET_HOME` if set and non-empty (a leading `~/` is expanded);
/// - else `$XDG_DATA_HOME/duet` if `XDG_DATA_HOME` is set to an absolute path
///   (the XDG spec says relative values must be ignored);
/// - else `~/.local/share/duet`.
///
/// The database is `duet.sqlite` inside that directory unless `duet --db PATH` overrides it.
public enum StoreLocation {
    /// File name of the database inside ``duetHome(environment:)``.
    public static let databaseFileName = "duet.sqlite"

    /// The Duet home directory for `environment`.
    public static func duetHome(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let home = homeDirectory(environment: environment)
        if let duetHome = environment["DUET_HOME"], !duetHome.isEmpty {
            return expandTilde(duetHome, home: home)
        }
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return (xdg as NSString).appendingPathComponent("duet")
        }
        return (home as NSString).appendingPathComponent(".local/share/duet")
    }

    /// The default database path for `environment`: `duetHome/duet.sqlite`.
    public static func defaultDatabasePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        (duetHome(environment: environment) as NSString).appendingPathComponent(databaseFileName)
    }

    /// `HOME` if set, else the password database's entry for the current user.
    static func homeDirectory(environment: [String: String]) -> String {
        if let home = environment["HOME"], !home.isEmpty { return home }
        return FileManager.default.homeDirectoryForCurrentUser.path
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
}
