import ArgumentParser
import Engine
import Foundation
import Tokenizers

/// `duet tokenize`: text to ids and pieces.
package struct TokenizeCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "tokenize", abstract: "Encode text with a model's tokenizer and show the ids and pieces.")

    package init() {}

    @OptionGroup var source: TokenizerSourceOptions

    @Option(name: .long, help: "The text to encode.")
    var text: String?

    @Option(name: .long, help: "A UTF-8 file whose content to encode.")
    var file: String?

    @Flag(name: .long, help: "Do not add the tokenizer's special tokens (BOS).")
    var noBos = false

    @Flag(name: .long, help: "Print {\"ids\": [...], \"pieces\": [...]} as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    package func validate() throws {
        guard (text == nil) != (file == nil) else { throw ValidationError("give exactly one of --text S or --file F") }
    }

    struct Output: Encodable {
        var ids: [TokenID]
        var pieces: [String]
    }

    package func run() throws {
        global.apply()
        let tokenizer = try source.load()
        var input = text ?? ""
        if let file {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                throw ValidationError("cannot read \(file): \(error.localizedDescription)")
            }
            input = String(decoding: data, as: UTF8.self)
        }
        let ids = tokenizer.encode(input, addBOS: !noBos)
        let pieces = tokenizer.pieces(for: ids)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
            writeStandardOutput(String(decoding: try encoder.encode(Output(ids: ids, pieces: pieces)), as: UTF8.self) + "\n")
        } else {
            var out = "\(ids.count) tokens\n"
            let width = max(1, ids.map { String($0).count }.max() ?? 1)
            for (id, piece) in zip(ids, pieces) {
                let number = String(id)
                out += String(repeating: " ", count: width - number.count) + number + "  " + visiblePiece(piece) + "\n"
            }
            writeStandardOutput(out)
        }
    }
}

/// `duet detokenize`: ids to text.
package struct DetokenizeCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "detokenize", abstract: "Decode token ids to text with a model's tokenizer.")

    package init() {}

    @OptionGroup var source: TokenizerSourceOptions

    @Option(name: .long, help: "Comma-separated token ids, e.g. 2,651,1234.")
    var ids: String

    @OptionGroup var global: GlobalOptions

    package func run() throws {
        global.apply()
        let tokenizer = try source.load()
        var parsed: [TokenID] = []
        for field in ids.split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let id = TokenID(field), id >= 0, Int(id) < tokenizer.vocabularySize else {
                throw ValidationError("\"\(field)\" is not a token id (0..<\(tokenizer.vocabularySize))")
            }
            parsed.append(id)
        }
        writeStandardOutput(tokenizer.decode(parsed) + "\n")
    }
}
