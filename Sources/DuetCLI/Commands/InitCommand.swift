import ArgumentParser
import Foundation
import Engine
import Tokenizers

/// `duet init`: a randomly initialised model in Hugging Face layout.
package struct InitCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a randomly initialised Gemma 2, Gemma 3 or T5Gemma model in Hugging Face layout.",
        discussion: """
            Presets: gemma2 \(ModelPresets.names.joined(separator: ", ")); gemma3 \(ModelPresets.gemma3Names.joined(separator: ", ")). \
            T5Gemma presets pair two Gemma 2 presets, e.g. 2b-2b or b-b; T5Gemma 2 presets two equally wide             Gemma 3 presets, e.g. 270m-270m or 1b-1b.
            """)

    package init() {}

    package enum Architecture: String, ExpressibleByArgument { case gemma2, gemma3, t5gemma, t5gemma2 }

    @OptionGroup var global: GlobalOptions
    @Option(help: "gemma2, gemma3, t5gemma or t5gemma2.") var arch: Architecture = .gemma2
    @Option(help: "Named size (gemma2: tiny, mini, s, b, 2b, 9b; gemma3: tiny, mini, 270m, 1b; t5gemma: ENC-DEC, e.g. 2b-2b; t5gemma2: e.g. 270m-270m).") var preset: String?
    @Option(help: "A config.json to use instead of a preset.") var config: String?
    @Option(help: "Tokenizer directory: copied into the model, and its vocabulary size used.") var tokenizer: String?
    @Option(help: "Output directory.") var out: String
    @Option(help: "Weight dtype: f32, bf16 or f16.") var dtype = "bf16"
    @Option(help: "Random seed.") var seed: UInt64 = 0

    package func validate() throws {
        if (preset == nil) == (config == nil) { throw ValidationError("give exactly one of --preset or --config") }
        if DType(name: dtype) == nil || DType(name: dtype) == .i8 {
            throw ValidationError("--dtype must be f32, bf16 or f16 (for int8, `duet convert --dtype int8` the model)")
        }
    }

    package func run() throws {
        global.apply()
        let tokenizerURL = tokenizer.map { URL(fileURLWithPath: $0) }
        let loadedTokenizer = try tokenizerURL.map { dir -> any Tokenizer in
            guard let t = try TokenizerLoader.load(directory: dir) else {
                throw ValidationError("--tokenizer: no tokenizer.json or tokenizer.model in \(dir.path)")
            }
            return t
        }
        let modelConfig = try resolveConfig(vocab: loadedTokenizer?.vocabularySize)
        let outURL = URL(fileURLWithPath: out)
        let start = Date()
        // Chat turns end with <end_of_turn>: list it as a stop token, as Gemma's IT releases do.
        let stops = [loadedTokenizer?.id(forPiece: ChatTemplate.endOfTurn)].compactMap { $0 }
        try ModelInitializer.writeRandomModel(modelConfig, dtype: DType(name: dtype)!, seed: seed, to: outURL, stopTokens: stops)
        if let tokenizerURL { try TokenizerFiles.copy(from: tokenizerURL, to: outURL) }
        let recipe = preset.map { "--preset \($0)" } ?? "--config \(config ?? "")"
        try ModelProvenance.random(createdBy: "duet init \(recipe) --seed \(seed)").write(to: outURL)
        let params = WeightLayout.expectedShapes(modelConfig).reduce(0) { $0 + $1.shape.reduce(1, *) }
        // (String(format:) with %@ does not take Swift strings on Linux: interpolate instead.)
        print("wrote \(outURL.path) (\(params.formatted()) parameters, \(dtype)) in "
              + String(format: "%.1f s", Date().timeIntervalSince(start)))
    }

    private func resolveConfig(vocab: Int?) throws -> ModelConfig {
        if let config {
            let url = URL(fileURLWithPath: config)
            return try ModelConfigFile.parse(try Data(contentsOf: url), file: url.path)
        }
        return try Self.presetConfig(arch: arch, name: preset!, vocab: vocab)
    }

    /// The configuration a preset names for an architecture (`duet init`, `duet bench train`).
    package static func presetConfig(arch: Architecture, name: String, vocab: Int?) throws -> ModelConfig {
        switch arch {
        case .gemma2:
            guard let c = ModelPresets.gemma2(name, vocabSize: vocab) else {
                throw ValidationError("unknown preset '\(name)'; choose one of \(ModelPresets.names.joined(separator: ", "))")
            }
            return .gemma2(c)
        case .gemma3:
            guard let c = ModelPresets.gemma3(name, vocabSize: vocab) else {
                throw ValidationError("unknown gemma3 preset '\(name)'; choose one of \(ModelPresets.gemma3Names.joined(separator: ", "))")
            }
            return .gemma2(c)
        case .t5gemma:
            let parts = name.split(separator: "-").map(String.init)
            guard parts.count == 2, let e = ModelPresets.gemma2(parts[0], vocabSize: vocab),
                  let d = ModelPresets.gemma2(parts[1], vocabSize: vocab) else {
                throw ValidationError("t5gemma presets are ENC-DEC pairs of \(ModelPresets.names.joined(separator: ", ")), e.g. 2b-2b")
            }
            return .t5gemma(T5GemmaConfig(encoder: e, decoder: d))
        case .t5gemma2:
            let parts = name.split(separator: "-").map(String.init)
            guard parts.count == 2, let e = ModelPresets.gemma3(parts[0], vocabSize: vocab),
                  let d = ModelPresets.gemma3(parts[1], vocabSize: vocab), e.hiddenSize == d.hiddenSize else {
                throw ValidationError("t5gemma2 presets are ENC-DEC pairs of equally wide \(ModelPresets.gemma3Names.joined(separator: ", ")), "
                                      + "e.g. 270m-270m (merged attention reads the encoder with the decoder's projections)")
            }
            return .t5gemma(T5GemmaConfig(encoder: e, decoder: d, t5gemma2: T5Gemma2Text()))
        }
    }
}
