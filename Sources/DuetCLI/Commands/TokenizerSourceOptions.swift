import ArgumentParser
import Engine
import Foundation
import Tokenizers

/// `--model DIR | --tokenizer FILE`: where a command finds its tokenizer.
struct TokenizerSourceOptions: ParsableArguments {
    @Option(name: .long, help: "A model directory (tokenizer.json, else tokenizer.model, plus tokenizer_config.json).")
    var model: String?

    @Option(name: .long, help: "A tokenizer file: tokenizer.json or a SentencePiece tokenizer.model.")
    var tokenizer: String?

    func validate() throws {
        guard (model == nil) != (tokenizer == nil) else {
            throw ValidationError("give exactly one of --model DIR or --tokenizer FILE")
        }
    }

    func load() throws -> any Tokenizers.Tokenizer {
        if let model {
            guard let loaded = try TokenizerLoader.load(directory: URL(fileURLWithPath: model)) else {
                throw ValidationError("\(model) has no tokenizer.json or tokenizer.model")
            }
            return loaded
        }
        return try TokenizerLoader.load(file: URL(fileURLWithPath: tokenizer!))
    }
}

/// Shows a piece with invisible characters spelled out (newline as \n, tab as \t).
func visiblePiece(_ piece: String) -> String {
    var out = ""
    for scalar in piece.unicodeScalars {
        switch scalar {
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out
}

/// Writes `text` to stdout without a trailing newline.
func writeStandardOutput(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}
