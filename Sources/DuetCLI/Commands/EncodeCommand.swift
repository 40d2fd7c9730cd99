import ArgumentParser
import Foundation
import Engine
import Tokenizers

/// `duet encode`: a T5Gemma encoder as a text encoder (its final-normed hidden states).
package struct EncodeCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Run a T5Gemma encoder and write its hidden states [T, d] as float32 .npy.")

    package init() {}

    @OptionGroup var global: GlobalOptions
    @OptionGroup var weights: QuantizeOption
    @Option(help: "Encoder-decoder model directory.") var model: String
    @Option(help: "Text to encode (BOS added).") var text: String?
    @Option(help: "Comma-separated token ids, used verbatim.") var inputIds: String?
    @Option(help: "Output .npy file.") var out: String

    package func validate() throws {
        if (text == nil) == (inputIds == nil) { throw ValidationError("give exactly one of --text or --input-ids") }
    }

    package func run() throws {
        global.apply()
        let loaded = try openModel(model, quantization: weights.quantize)
        guard let t5 = loaded.model as? T5GemmaModel else {
            throw ValidationError("\(loaded.directory.path) is decoder-only; `duet encode` needs a T5Gemma (encoder-decoder) model")
        }
        let ids: [TokenID]
        if let inputIds {
            ids = try parseTokenIDs(inputIds, option: "--input-ids")
        } else {
            guard let tokenizer = loaded.tokenizer else { throw ValidationError("\(loaded.directory.path) has no tokenizer; use --input-ids") }
            ids = tokenizer.encode(text ?? "", addBOS: true)
        }
        let hidden: Tensor
        do {
            hidden = try t5.encode(ids)
        } catch {
            throw ValidationError("\(error)")
        }
        try NPY.write(hidden, to: URL(fileURLWithPath: out))
        print("\(out): [\(hidden.shape[0]), \(hidden.shape[1])]")
    }
}
