import Engine
import Foundation

/// A model directory the UI knows of, and where it was found.
package struct ModelLocation: Equatable {
    package enum Source: String, Equatable {
        /// `duet --model DIR`.
        case option = "--model"
        /// `assets/models/*`: models Duet ships or made itself.
        case assets = "assets"
        /// `$DUET_HOME/models/*`.
        case home = "home"
        /// Typed into the Models screen (remembered in the database).
        case added = "added"
    }

    /// Absolute, standardised path (the identity of the location).
    package var path: String
    package var source: Source
    /// An added path that holds no model any more (moved or deleted since it was added): listed as
    /// missing, so the user sees what became of it, rather than silently dropped.
    package var missing = false
    package var name: String { (path as NSString).lastPathComponent }
}

/// Finds model directories (a directory with a config.json) and makes the default choices.
package enum ModelDiscovery {
    /// The directories to look in, in priority order: each `--model` (a model, or a folder of models),
    /// then `assets/models/*`, `$DUET_HOME/models/*`, then paths added in the UI (those that hold no
    /// model any more are kept, marked `missing`). Duplicates keep the first.
    package static func find(options: [String], assets: String, home: String, added: [String]) -> [ModelLocation] {
        var found: [ModelLocation] = []
        func add(_ path: String, _ source: ModelLocation.Source, missing: Bool = false) {
            let path = absolute(path)
            if !found.contains(where: { $0.path == path }) { found.append(ModelLocation(path: path, source: source, missing: missing)) }
        }
        for option in options {
            if isModelDirectory(option) { add(option, .option) } else { for dir in subdirectories(option) where isModelDirectory(dir) { add(dir, .option) } }
        }
        for dir in subdirectories(assets) where isModelDirectory(dir) { add(dir, .assets) }
        for dir in subdirectories(home) where isModelDirectory(dir) { add(dir, .home) }
        for path in added { add(path, .added, missing: !isModelDirectory(path)) }
        return found
    }

    /// `path` made absolute against the working directory, `~` expanded, `.`/`..` resolved.
    package static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let full = expanded.hasPrefix("/") ? expanded : FileManager.default.currentDirectoryPath + "/" + expanded
        return (full as NSString).standardizingPath
    }

    package static func isModelDirectory(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: absolute(path) + "/config.json")
    }

    /// Sub-directories of `path`, sorted by name (none when it is missing).
    package static func subdirectories(_ path: String) -> [String] {
        let root = absolute(path)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        return names.sorted().filter { !$0.hasPrefix(".") }.map { root + "/" + $0 }.filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }

    /// The models picked at start, as indices into `models` (`architecture` nil = unreadable model).
    ///
    /// Chat: the first `--model`, else the first encoder-decoder model of assets/models, else the first
    /// usable model. Compare: A is the first decoder-only model; B the chat model when it is an
    /// encoder-decoder, else the first encoder-decoder, else the first other usable model.
    package static func defaultChoice(_ models: [(source: ModelLocation.Source, architecture: ModelArchitecture?)])
        -> (chat: Int?, compareA: Int?, compareB: Int?) {
        let usable = models.indices.filter { models[$0].architecture != nil }
        let chat = usable.first { models[$0].source == .option }
            ?? usable.first { models[$0].source == .assets && models[$0].architecture == .encoderDecoder }
            ?? usable.first
        let a = usable.first { models[$0].architecture == .decoderOnly }
        var b: Int? = nil
        if let chat, models[chat].architecture == .encoderDecoder { b = chat }
        b = b ?? usable.first { models[$0].architecture == .encoderDecoder } ?? usable.first { $0 != a }
        return (chat, a, b == a ? nil : b)
    }
}
