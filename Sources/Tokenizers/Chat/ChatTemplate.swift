/// Why a conversation cannot be rendered with the Gemma chat template.
public enum ChatTemplateError: Error, CustomStringConvertible, Equatable {
    /// There are no user or model turns.
    case emptyConversation
    /// A system message somewhere other than first.
    case misplacedSystemMessage(index: Int)
    /// Turns must go user, model, user, ... (after an optional leading system message).
    case rolesMustAlternate(index: Int, expected: ChatMessage.Role, found: ChatMessage.Role)
    /// The tokenizer has no BOS token.
    case noBOSToken

    public var description: String {
        switch self {
        case .emptyConversation: return "the conversation has no user or model messages"
        case let .misplacedSystemMessage(index): return "message \(index): a system message may only come first"
        case let .rolesMustAlternate(index, expected, found):
            return "message \(index): conversation roles must alternate user/model/user/...; expected \(expected), found \(found)"
        case .noBOSToken: return "the tokenizer has no BOS token"
        }
    }
}

/// Gemma's chat format (the tokenizer_config.json `chat_template` of Gemma 2 IT):
/// `<bos><start_of_turn>user\n{text}<end_of_turn>\n<start_of_turn>model\n{text}<end_of_turn>\n...`,
/// each text trimmed as Jinja's `trim` does (Python `str.strip()`).
public enum ChatTemplate {
    public static let bos = "<bos>"
    public static let startOfTurn = "<start_of_turn>"
    public static let endOfTurn = "<end_of_turn>"

    /// Renders exactly what transformers' `apply_chat_template(..., tokenize=False)` renders with
    /// Gemma's template. Gemma has no system role: a leading system message is folded into the first
    /// user turn as "{system}\n\n{user}". Roles must alternate user/model starting with user.
    public static func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) throws -> String {
        bos + (try renderTurns(messages, addGenerationPrompt: addGenerationPrompt))
    }

    /// The token ids of the rendered conversation with exactly one BOS: the text after `<bos>` is
    /// encoded without special tokens and BOS is prepended by id. This is the same for a SentencePiece
    /// model (where `<bos>` is a control piece that text never produces) and for tokenizer.json (where
    /// the literal `<bos>` would match the special added token), and equals HF's
    /// `apply_chat_template(..., tokenize=True)`.
    public static func encode(_ messages: [ChatMessage], tokenizer: any Tokenizer, addGenerationPrompt: Bool = true) throws -> [TokenID] {
        guard tokenizer.bosID >= 0 else { throw ChatTemplateError.noBOSToken }
        let text = try renderTurns(messages, addGenerationPrompt: addGenerationPrompt)
        return [tokenizer.bosID] + tokenizer.encode(text, addBOS: false)
    }

    /// Everything after `<bos>`.
    static func renderTurns(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws -> String {
        var turns = messages
        if let first = turns.first, first.role == .system {
            turns.removeFirst()
            if turns.first?.role == .user {
                let system = trim(first.content)
                if !system.isEmpty { turns[0].content = system + "\n\n" + turns[0].content }
            } else if turns.isEmpty || !trim(first.content).isEmpty {
                // A system message with no user turn to fold into becomes the user turn.
                turns.insert(ChatMessage(role: .user, content: first.content), at: 0)
            }
        }
        guard !turns.isEmpty else { throw ChatTemplateError.emptyConversation }
        let offset = messages.count - turns.count
        var out = ""
        for (index, message) in turns.enumerated() {
            if message.role == .system { throw ChatTemplateError.misplacedSystemMessage(index: index + offset) }
            let expected: ChatMessage.Role = index % 2 == 0 ? .user : .model
            guard message.role == expected else {
                throw ChatTemplateError.rolesMustAlternate(index: index + offset, expected: expected, found: message.role)
            }
            out += startOfTurn + message.role.rawValue + "\n" + trim(message.content) + endOfTurn + "\n"
        }
        if addGenerationPrompt { out += startOfTurn + "model\n" }
        return out
    }

    /// Python's `str.strip()`: removes leading and trailing whitespace as `str.isspace` defines it.
    static func trim(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !UnicodeClasses.isPythonSpace($0) }),
              let last = scalars.lastIndex(where: { !UnicodeClasses.isPythonSpace($0) }) else { return "" }
        return String(scalars[first...last])
    }
}
