import DuetCore
import Tokenizers
/// One training record of a JSONL file: plain text (`{"text": ...}`) or a conversation
/// (`{"messages": [{"role", "content"}, ...]}` or `{"prompt", "response"}` with an optional
/// `"system"`).
enum DataRecord: Equatable {
    case text(String)
    case conversation([ChatMessage])
}

/// Reads JSONL: one JSON object per line; blank lines are skipped; errors name the file and line.
enum JSONLRecords {
    /// The records of `bytes`, each with its 1-based line number. `conversations` selects which
    /// record shape the objective needs.
    static func records(in bytes: [UInt8], file: String, conversations: Bool) throws -> [(line: Int, record: DataRecord)] {
        var out: [(line: Int, record: DataRecord)] = []
        var start = 0
        // A UTF-8 byte order mark is not part of the first record.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        var line = 1
        let n = bytes.count
        while start < n {
            var end = start
            while end < n && bytes[end] != 0x0A { end += 1 }
            let content = bytes[start..<end]
            if content.contains(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0D) }) {
                out.append((line, try record(content, file: file, line: line, conversations: conversations)))
            }
            start = end + 1
            line += 1
        }
        return out
    }

    static func record(_ bytes: ArraySlice<UInt8>, file: String, line: Int, conversations: Bool) throws -> DataRecord {
        func fail(_ reason: String) -> DataError { .invalidRecord(file: file, line: line, reason: reason) }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch let e as JSONParseError {
            throw fail("not valid JSON: \(e.reason) at column \(e.offset + 1)")
        }
        guard case .object = value else { throw fail("expected a JSON object, found \(value.kindName)") }
        if !conversations {
            guard let text = value["text"] else {
                let hint = value["messages"] != nil || value["prompt"] != nil
                    ? " (this is a conversation; conversations train with the sft objective)" : ""
                throw fail("missing \"text\"\(hint)")
            }
            guard case let .string(s) = text else { throw fail("\"text\" must be a string, found \(text.kindName)") }
            return .text(s)
        }
        if let messages = value["messages"] {
            guard case let .array(items) = messages else { throw fail("\"messages\" must be an array, found \(messages.kindName)") }
            var out: [ChatMessage] = []
            for (index, item) in items.enumerated() {
                guard case .object = item else { throw fail("messages[\(index)] must be an object, found \(item.kindName)") }
                guard case let .string(role)? = item["role"] else { throw fail("messages[\(index)] needs a string \"role\"") }
                guard case let .string(content)? = item["content"] else { throw fail("messages[\(index)] needs a string \"content\"") }
                guard let parsed = role == "assistant" ? .model : ChatMessage.Role(rawValue: role) else {
                    throw fail("messages[\(index)]: unknown role \"\(role)\" (system, user, model/assistant)")
                }
                out.append(ChatMessage(role: parsed, content: content))
            }
            return .conversation(out)
        }
        if value["prompt"] != nil || value["response"] != nil {
            guard case let .string(prompt)? = value["prompt"] else { throw fail("\"prompt\" must be a string") }
            guard case let .string(response)? = value["response"] else { throw fail("\"response\" must be a string") }
            var out: [ChatMessage] = []
            if let system = value["system"] {
                guard case let .string(s) = system else { throw fail("\"system\" must be a string, found \(system.kindName)") }
                out.append(ChatMessage(role: .system, content: s))
            }
            out.append(ChatMessage(role: .user, content: prompt))
            out.append(ChatMessage(role: .model, content: response))
            return .conversation(out)
        }
        let hint = value["text"] != nil ? " (this is plain text; the sft objective needs conversations)" : ""
        throw fail("expected \"messages\" or \"prompt\" and \"response\"\(hint)")
    }
}
