/// Where Duet keeps its files: `$DUET_HOME` (default `$XDG_DATA_HOME/duet`, else `~/.local/share/duet`)
/// holding `duet.sqlite`, `config.toml`, `models/` and `runs/`.
public struct DuetPaths: Equatable {
    public var home: String
    public var database: String

    public var config: String { home + "/config.toml" }
    public var models: String { home + "/models" }

    /// Resolves the paths from the environment; `database` (from `--db`) overrides the default database.
    public static func resolve(environment: [String: String], database: String? = nil) -> DuetPaths {
        let home: String
        if let h = environment["DUET_HOME"], !h.isEmpty {
            home = h
        } else if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            home = xdg + "/duet"
        } else {
            home = (environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp") + "/.local/share/duet"
        }
        let trimmed = home.count > 1 && home.hasSuffix("/") ? String(home.dropLast()) : home
        return DuetPaths(home: trimmed, database: database ?? trimmed + "/duet.sqlite")
    }
}
