/// One turn of a conversation.
public struct ChatMessage: Sendable, Equatable, Codable {
    /// Who speaks. Decoding also accepts "assistant" (the Hugging Face name) for `.model`.
    public enum Role: String, Sendable, Codable {
        case system, user, model

        public init(from decoder: Decoder) throws {
            let raw = try decoder.singleValueContainer().decode(String.self)
            if raw == "assistant" {
                self = .model
            } else if let role = Role(rawValue: raw) {
                self = role
            } else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                        debugDescription: "unknown chat role \"\(raw)\" (system, user, model/assistant)"))
            }
        }
    }

    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}
