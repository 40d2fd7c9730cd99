import ArgumentParser
import Engine
import Foundation
import Sessions
import Tokenizers

/// `duet models`: the models the terminal UI finds; `duet models demo`: a tiny random pair to try it with.
package struct ModelsCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models Duet finds, or make a tiny random-weight pair to try the UI.",
        subcommands: [List.self, Demo.self],
        defaultSubcommand: List.self)

    package init() {}

    /// `duet models [list]`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the models in assets/models, $DUET_HOME/models and the paths added on the Models screen (what it shows).")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Also look here (a model directory or a folder of them); repeatable.") var model: [String] = []

        func run() throws {
            let paths = DuetPaths.resolve(environment: ProcessInfo.processInfo.environment, database: global.db)
            let found = ModelDiscovery.find(options: model, assets: ModelsCommand.assetsDirectory + "/models", home: paths.models,
                                            added: ModelsCommand.addedDirectories(database: paths.database))
            if found.isEmpty {
                print("No models in \(ModelsCommand.assetsDirectory)/models or \(paths.models). `duet models demo` makes a tiny random pair.")
                return
            }
            let rows = found.map { location -> [String] in
                let from = location.source.rawValue
                if location.missing { return [location.name, "missing", "-", "-", "-", from, location.path] }
                guard let facts = try? ModelFacts.read(URL(fileURLWithPath: location.path)) else {
                    return [location.name, "unreadable", "-", "-", "-", from, location.path]
                }
                return [location.name + (facts.isRandom ? " (random weights)" : ""), facts.shortArchitecture,
                        ModelFacts.shortCount(facts.parameters), facts.layers, facts.dtype, from, location.path]
            }
            print(CLIOutput.table(header: ["MODEL", "ARCH", "PARAMS", "LAYERS", "DTYPE", "FROM", "PATH"], rows: rows))
        }
    }

    /// The paths added on the Models screen, from the database at `database`. No database yet means
    /// none were added (listing does not create one); one that cannot be read is reported on stderr
    /// and the models on disk are still listed.
    static func addedDirectories(database: String) -> [String] {
        guard FileManager.default.fileExists(atPath: database) else { return [] }
        do {
            return try DuetStore.open(path: database).addedModelDirectories().map(\.path)
        } catch {
            FileHandle.standardError.write(Data("duet: cannot read the added model paths from \(database): \(error)\n".utf8))
            return []
        }
    }

    /// `duet models demo`
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo",
            abstract: "Make a tiny RANDOM-weight Gemma 2 and its T5Gemma adaptation in $DUET_HOME/models, if no model exists.",
            discussion: """
            Until Duet's trained default models exist, this gives the UI something real to run: \
            tiny-random-gemma2 (duet init --preset tiny) and tiny-random-t5gemma (duet adapt of it). \
            Their weights are random, and the UI says so. Nothing is written when a model is already found.
            """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "Tokenizer directory to give the models.") var tokenizer = ModelsCommand.assetsDirectory + "/tokenizers/duet-small"
        @Flag(help: "Make the pair even when other models exist.") var force = false

        func run() throws {
            global.apply()
            let paths = DuetPaths.resolve(environment: ProcessInfo.processInfo.environment, database: global.db)
            let existing = ModelDiscovery.find(options: [], assets: ModelsCommand.assetsDirectory + "/models", home: paths.models, added: [])
            if !existing.isEmpty && !force {
                print("Models found (\(existing.map(\.name).joined(separator: ", "))); nothing to do.")
                return
            }
            let made = try RandomModels.makePair(in: URL(fileURLWithPath: paths.models), tokenizer: URL(fileURLWithPath: tokenizer))
            for url in made { print("wrote \(url.path) (random weights)") }
        }
    }

    /// The bundled assets (see ``AssetsLocation``).
    static var assetsDirectory: String { AssetsLocation.resolve() }
}

/// The tiny random-weight pair of `duet models demo`.
enum RandomModels {
    static let decoderName = "tiny-random-gemma2"
    static let encoderDecoderName = "tiny-random-t5gemma"

    /// Writes `tiny-random-gemma2` (preset tiny, the tokenizer's vocabulary) and its balanced T5Gemma
    /// adaptation `tiny-random-t5gemma` under `directory`, each marked as random weights.
    static func makePair(in directory: URL, tokenizer: URL, seed: UInt64 = 0) throws -> [URL] {
        guard let loaded = try TokenizerLoader.load(directory: tokenizer) else {
            throw ValidationError("--tokenizer: no tokenizer.json or tokenizer.model in \(tokenizer.path)")
        }
        let decoder = directory.appendingPathComponent(decoderName)
        let adapted = directory.appendingPathComponent(encoderDecoderName)
        let config = ModelConfig.gemma2(ModelPresets.gemma2("tiny", vocabSize: loaded.vocabularySize)!)
        try ModelInitializer.writeRandomModel(config, dtype: .bf16, seed: seed, to: decoder)
        try TokenizerFiles.copy(from: tokenizer, to: decoder)
        try ModelProvenance.random(createdBy: "duet models demo (duet init --preset tiny, seed \(seed))").write(to: decoder)
        _ = try Adaptation.adapt(decoderFrom: decoder, to: adapted)
        try ModelProvenance(weights: "random", createdBy: "duet models demo (duet adapt of \(decoderName))",
                            source: decoder.path).write(to: adapted)
        return [decoder, adapted]
    }
}
