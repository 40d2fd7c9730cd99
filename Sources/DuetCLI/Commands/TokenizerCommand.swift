import ArgumentParser
import Engine
import Foundation
import Tokenizers

/// `duet tokenizer ...`: tokenizer tools.
package struct TokenizerCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "tokenizer", abstract: "Train tokenizers for Duet's own small models.",
        subcommands: [TokenizerTrainCommand.self])

    package init() {}
}

/// `duet tokenizer train`: byte-fallback BPE on .txt / .jsonl text.
struct TokenizerTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a Gemma-style byte-fallback BPE tokenizer and write tokenizer.json, tokenizer_config.json, special_tokens_map.json.")

    @Option(name: .long, help: "A .txt file, a .jsonl file ({\"text\": ...} per line), or a directory of them.")
    var data: String

    @Option(name: .long, help: "Vocabulary size, special and byte tokens included.")
    var vocabSize: Int

    @Option(name: .long, help: "The output directory.")
    var out: String

    @Option(name: .long, help: "Number of <unusedN> sentinel tokens (for UL2).")
    var unusedTokens = 100

    @Option(name: .long, help: "Pairs seen fewer times are not merged.")
    var minFrequency = 2

    @Option(name: .long, help: "Fraction of characters the alphabet covers; rarer ones use byte tokens.")
    var characterCoverage = 0.9995

    @Option(name: .long, help: "Longest token, in characters.")
    var maxTokenLength = 16

    @Option(name: .long, help: "Characters that always get a token: none, or ascii (every printable ASCII character).")
    var alphabet: RequiredAlphabet = .none

    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.apply()
        let start = Date()
        let files = try TrainingCorpus.files(at: URL(fileURLWithPath: data))
        var texts: [String] = []
        var bytes = 0
        for file in files {
            let fileTexts = try TrainingCorpus.texts(in: file)
            bytes += fileTexts.reduce(0) { $0 + $1.utf8.count }
            texts += fileTexts
        }
        let trainer = BPETrainer(options: .init(vocabularySize: vocabSize, unusedTokens: unusedTokens, minimumPairFrequency: minFrequency,
                                                characterCoverage: characterCoverage, maximumTokenLength: maxTokenLength,
                                                requiredCharacters: alphabet.characters))
        let trained = try trainer.train(texts: texts)
        let directory = URL(fileURLWithPath: out)
        try trained.write(to: directory)
        let seconds = Date().timeIntervalSince(start)
        print("trained on \(files.count) file(s), \(String(format: "%.2f", Double(bytes) / 1e6)) MB in \(String(format: "%.1f", seconds)) s")
        print("vocabulary \(trained.tokens.count) tokens (\(trained.specialTokenCount) special, 256 bytes), \(trained.merges.count) merges")
        print("wrote \(directory.path)/tokenizer.json, tokenizer_config.json, special_tokens_map.json")
    }
}

/// `--alphabet`: characters a trained vocabulary must hold whatever the corpus has.
enum RequiredAlphabet: String, ExpressibleByArgument, CaseIterable {
    case none, ascii

    var characters: String {
        switch self {
        case .none: ""
        case .ascii: BPETrainer.Options.printableASCII
        }
    }
}
