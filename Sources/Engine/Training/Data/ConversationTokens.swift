import Tokenizers
/// A conversation rendered with the chat template and tokenised, with the tokens a model learns
/// marked: every model turn's text and its `<end_of_turn>`.
struct ConversationTokens: Equatable {
    var ids: [TokenID]
    /// Per id: 1 if the model learns to produce it, else 0.
    var learn: [UInt8]

    /// Why a conversation cannot be trained on.
    enum Problem: Error, Equatable, CustomStringConvertible {
        case template(ChatTemplateError)
        case lastTurnNotModel
        case other(String)

        var description: String {
            switch self {
            case let .template(e): return e.description
            case let .other(reason): return reason
            case .lastTurnNotModel: return "the last message must be a model (assistant) turn: it is what the model learns"
            }
        }
    }

    /// Tokenises `messages` (roles alternating user/model after an optional system message, ending
    /// with a model turn).
    ///
    /// The rendered text is cut where each model turn's text begins (right after the generation prompt
    /// `<start_of_turn>model\n`) and after its `<end_of_turn>`, and each piece is encoded on its own.
    /// So each prompt is tokenised exactly as `ChatTemplate.encode(_:addGenerationPrompt: true)` does
    /// at inference time, and each reply as the tokens the model generates after it; the other cuts
    /// fall next to `<end_of_turn>`, a special token that tokenisation never merges across.
    init(_ messages: [ChatMessage], tokenizer: any Tokenizer) throws(Problem) {
        guard tokenizer.bosID >= 0 else { throw Problem.template(.noBOSToken) }
        guard messages.last?.role == .model else {
            // Render first so that template errors (e.g. no turns at all) are reported as such.
            _ = try Self.render(messages, addGenerationPrompt: false)
            throw Problem.lastTurnNotModel
        }
        let full = Array(try Self.render(messages, addGenerationPrompt: false).utf8)
        var cuts: [(start: Int, end: Int)] = []
        for (index, message) in messages.enumerated() where message.role == .model {
            let prompt = try Self.render(Array(messages[..<index]), addGenerationPrompt: true).utf8.count
            // The turn ends with "<end_of_turn>\n"; the newline is not the model's to produce.
            let through = try Self.render(Array(messages[...index]), addGenerationPrompt: false).utf8.count - 1
            cuts.append((prompt, through))
        }
        let bosBytes = ChatTemplate.bos.utf8.count
        ids = [tokenizer.bosID]
        learn = [0]
        var position = bosBytes
        func append(_ end: Int, learnt: Bool) {
            guard end > position else { return }
            let piece = tokenizer.encode(String(decoding: full[position..<end], as: UTF8.self), addBOS: false)
            ids += piece
            learn += [UInt8](repeating: learnt ? 1 : 0, count: piece.count)
            position = end
        }
        for cut in cuts {
            precondition(cut.start >= position && cut.end >= cut.start && cut.end <= full.count,
                         "chat template prefixes are not prefixes of the whole conversation")
            append(cut.start, learnt: false)
            append(cut.end, learnt: true)
        }
        append(full.count, learnt: false)
    }

    private static func render(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws(Problem) -> String {
        do {
            return try ChatTemplate.render(messages, addGenerationPrompt: addGenerationPrompt)
        } catch let e as ChatTemplateError {
            throw .template(e)
        } catch {
            throw .other("\(error)")
        }
    }
}
