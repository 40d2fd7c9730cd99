import DuetCore
import Tokenizers
/// One line of sft.jsonl: `{"messages":[{"role":"user","content":...},{"role":"model","content":...},...]}`.
public enum SFTRecord {
    /// The compact JSON line (no newline) for a chat.
    public static func jsonLine(_ messages: [ChatMessage]) -> String {
        JSONWriter.string(.object([("messages", messagesJSON(messages))]), indent: nil)
    }

    /// Messages as a JSON array of `{"role", "content"}` objects.
    public static func messagesJSON(_ messages: [ChatMessage]) -> JSONValue {
        .array(messages.map { .object([("role", .string($0.role.rawValue)), ("content", .string($0.content))]) })
    }
}
