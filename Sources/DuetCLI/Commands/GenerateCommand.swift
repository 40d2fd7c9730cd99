import ArgumentParser
import DuetCore
import Foundation
import Engine
import Tokenizers

/// `duet generate`: streams a model's continuation of a prompt to stdout.
package struct GenerateCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text from a prompt, streaming it to stdout.",
        discussion: """
        --prompt adds <bos>; --chat wraps the prompt in the Gemma chat template; --prompt-ids is used verbatim. \
        Encoder-decoder models read the prompt with the encoder and decode from <bos>.
        """)

    package init() {}

    @OptionGroup var global: GlobalOptions
    @OptionGroup var weights: QuantizeOption
    @Option(help: "Model directory (Hugging Face layout).") var model: String
    @Option(help: "Prompt text.") var prompt: String?
    @Option(help: "Prompt as comma-separated token ids, used verbatim.") var promptIds: String?
    @Flag(help: "Apply the chat template to the prompt (a single user turn).") var chat = false
    @Option(help: "Maximum new tokens.") var maxTokens = 256
    @Option(help: "Sampling temperature (0 = greedy).") var temperature: Float = 0
    @Option(help: "Top-k (0 = off).") var topK = 0
    @Option(help: "Top-p (1 = off).") var topP: Float = 1
    @Option(help: "Min-p (0 = off).") var minP: Float = 0
    @Option(help: "Repetition penalty (1 = off).") var repetitionPenalty: Float = 1
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Flag(help: "Do not stop on end-of-sequence tokens.") var ignoreEos = false
    @Flag(help: "Print one JSON object instead of streaming text.") var json = false

    package func validate() throws {
        if (prompt == nil) == (promptIds == nil) { throw ValidationError("give exactly one of --prompt or --prompt-ids") }
        if chat && prompt == nil { throw ValidationError("--chat needs --prompt") }
        if maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1") }
    }

    package func run() throws {
        global.apply()
        let loaded = try openModel(model, quantization: weights.quantize)
        let ids = try promptTokenIDs(loaded)
        // The options parse as Float, the precision the sampler computes with; Double holds them exactly.
        let sampling = SamplingParameters(temperature: Double(temperature), topK: topK, topP: Double(topP), minP: Double(minP),
                                          repetitionPenalty: Double(repetitionPenalty), maxNewTokens: maxTokens, seed: seed,
                                          ignoreEOS: ignoreEos)
        var detokenizer = loaded.tokenizer.map { StreamingDetokenizer(tokenizer: $0) }
        var text = ""
        let out = FileHandle.standardOutput
        let result = try loaded.model.generate(prompt: ids, parameters: sampling, stopTokens: loaded.stopTokens,
                                               cancel: nil) { id in
            guard var d = detokenizer else {
                if !json { out.write(Data("\(id) ".utf8)) }
                return
            }
            // End-of-turn markers end the reply; they are not part of its text.
            let delta = loaded.stopTokens.contains(id) && !ignoreEos ? "" : d.append(id)
            detokenizer = d
            text += delta
            if !json && !delta.isEmpty { out.write(Data(delta.utf8)) }
        }
        if var d = detokenizer {
            let rest = d.finish()
            text += rest
            if !json && !rest.isEmpty { out.write(Data(rest.utf8)) }
        }
        if json {
            try printJSON(["ids": result.tokens, "text": text, "stats": result.stats.jsonObject])
        } else {
            out.write(Data("\n".utf8))
            FileHandle.standardError.write(Data((result.stats.summary + "\n").utf8))
        }
    }

    private func promptTokenIDs(_ loaded: LoadedModel) throws -> [TokenID] {
        if let promptIds { return try parseTokenIDs(promptIds, option: "--prompt-ids") }
        guard let tokenizer = loaded.tokenizer else {
            throw ValidationError("\(loaded.directory.path) has no tokenizer; use --prompt-ids")
        }
        let text = prompt ?? ""
        if chat { return try ChatTemplate.encode([ChatMessage(role: .user, content: text)], tokenizer: tokenizer) }
        return tokenizer.encode(text, addBOS: true)
    }
}
