import DuetCore
import Engine
import Foundation
import Tokenizers

/// Why a generation could not start.
enum GenerationRequestError: Error, CustomStringConvertible {
    case noTokenizer(String)
    case promptTooLong(tokens: Int, context: Int)

    var description: String {
        switch self {
        case .noTokenizer(let path): return "\(path) has no tokenizer (tokenizer.json or tokenizer.model)"
        case let .promptTooLong(tokens, context):
            return "the prompt is \(tokens) tokens; the model's context holds \(context) (start a new chat or shorten it)"
        }
    }
}

/// One generation on the calling thread (the engine queue), as text: the chat template applied, the
/// token budget fitted to the model's context, and the tokens turned into whole-character text deltas
/// (end-of-turn markers end the reply and are not shown).
enum StreamingGeneration {
    /// The prompt token ids of a conversation under the Gemma chat template.
    static func encode(_ messages: [ChatMessage], for model: LoadedModel) throws -> [TokenID] {
        guard let tokenizer = model.tokenizer else { throw GenerationRequestError.noTokenizer(model.directory.path) }
        return try ChatTemplate.encode(messages, tokenizer: tokenizer)
    }

    /// `sampling` with `maxNewTokens` cut so prompt + reply fit the model's context; throws when the
    /// prompt alone does not fit.
    static func fitted(_ sampling: SamplingParameters, promptTokens: Int, model: LoadedModel) throws -> SamplingParameters {
        var p = sampling
        // What the engine would generate: the default when unset (`defaults` sets every field).
        let asked = sampling.maxNewTokens ?? SamplingParameters.defaults.maxNewTokens!
        switch model.config {
        case let .gemma2(c):
            guard promptTokens < c.maxPositionEmbeddings else {
                throw GenerationRequestError.promptTooLong(tokens: promptTokens, context: c.maxPositionEmbeddings)
            }
            p.maxNewTokens = max(1, min(asked, c.maxPositionEmbeddings - promptTokens))
        case let .t5gemma(c):
            guard promptTokens <= c.encoder.maxPositionEmbeddings else {
                throw GenerationRequestError.promptTooLong(tokens: promptTokens, context: c.encoder.maxPositionEmbeddings)
            }
            p.maxNewTokens = max(1, min(asked, c.decoder.maxPositionEmbeddings - 1))
        }
        return p
    }

    /// Generates after `prompt`; `onText(delta, tokensSoFar)` sees each piece of text as it completes,
    /// `onToken` runs after every token (the interleaved comparison passes the turn there).
    static func run(_ model: LoadedModel, prompt: [TokenID], sampling: SamplingParameters, cancel: CancellationFlag,
                    onToken: () -> Void = {}, onText: (String, Int) -> Void) throws -> GenerationResult {
        let stops = model.stopTokens
        var detokenizer = model.tokenizer.map { StreamingDetokenizer(tokenizer: $0) }
        var count = 0
        let result = try model.model.generate(prompt: prompt, parameters: sampling, stopTokens: stops, cancel: cancel) { id in
            count += 1
            defer { onToken() }
            guard !stops.contains(id), var d = detokenizer else { return }
            let delta = d.append(id)
            detokenizer = d
            if !delta.isEmpty { onText(delta, count) }
        }
        if var d = detokenizer {
            let rest = d.finish()
            if !rest.isEmpty { onText(rest, count) }
        }
        return result
    }
}
