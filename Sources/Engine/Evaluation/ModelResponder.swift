import DuetCore
import Tokenizers
/// Answers chats with a model: the conversation rendered with the Gemma chat template, greedy decoding,
/// stopping at `<end_of_turn>` / end of sequence. Decoder-only models continue the rendered chat;
/// encoder-decoder models read it with the encoder and decode the reply from `<bos>`.
public struct ModelResponder {
    public let loaded: LoadedModel
    public let tokenizer: any Tokenizer
    public var maxTokens: Int
    public var stopTokens: Set<TokenID>

    /// The model's reply and the ids it generated (the stop token included, if one was produced).
    public struct Reply: Sendable {
        public var text: String
        public var tokens: [TokenID]
        public var stopReason: StopReason
        /// Timings and counts of the generation.
        public var stats: GenerationStats
    }

    /// Fails when the model directory has no tokenizer (chats must be rendered to ids).
    public init(model loaded: LoadedModel, maxTokens: Int = 64, stopTokens: Set<TokenID>? = nil) throws {
        guard let tokenizer = loaded.tokenizer else { throw TaskEvaluationError.noTokenizer(loaded.directory.path) }
        self.loaded = loaded
        self.tokenizer = tokenizer
        self.maxTokens = maxTokens
        self.stopTokens = stopTokens ?? loaded.stopTokens
    }

    /// The prompt ids of a chat ending with a user turn, with the generation prompt appended.
    public func promptIDs(_ messages: [ChatMessage]) throws -> [TokenID] {
        try ChatTemplate.encode(messages, tokenizer: tokenizer, addGenerationPrompt: true)
    }

    /// Generates the reply to `messages`.
    public func reply(to messages: [ChatMessage]) throws -> Reply {
        let prompt = try promptIDs(messages)
        let parameters = SamplingParameters(temperature: 0, maxNewTokens: maxTokens)
        let result = try loaded.model.generate(prompt: prompt, parameters: parameters, stopTokens: stopTokens,
                                               cancel: nil, onToken: { _ in })
        let content = result.tokens.filter { !stopTokens.contains($0) }
        var text = tokenizer.decode(content)
        // A tokenizer without the special token spells the marker out; the reply ends there too.
        if let end = text.range(of: ChatTemplate.endOfTurn) { text = String(text[..<end.lowerBound]) }
        return Reply(text: text, tokens: result.tokens, stopReason: result.stats.stopReason, stats: result.stats)
    }
}

/// Why an evaluation cannot run.
public enum TaskEvaluationError: Error, Equatable, CustomStringConvertible {
    case noTokenizer(String)
    case invalidLimit(Int)

    public var description: String {
        switch self {
        case let .noTokenizer(path): "\(path) has no tokenizer (tokenizer.json or tokenizer.model); chats cannot be encoded"
        case let .invalidLimit(n): "the limit per task must be positive, got \(n)"
        }
    }
}
