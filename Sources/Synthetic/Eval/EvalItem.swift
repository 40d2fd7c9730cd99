import DuetCore
import Foundation
import Tokenizers

/// One held-out evaluation example (a line of eval.jsonl):
/// `{"task": TYPE, "messages": [...], "answer": EXPECTED, "check": "exact"|"caseless"|"number"|"list"}`.
/// `messages` end with the user turn the model must answer.
public struct EvalItem: Sendable, Equatable {
    /// The task type ("arithmetic", "passage_qa", ...); any name is accepted when reading.
    public var task: String
    public var messages: [ChatMessage]
    public var answer: String
    public var check: CheckKind

    public init(task: String, messages: [ChatMessage], answer: String, check: CheckKind) {
        self.task = task
        self.messages = messages
        self.answer = answer
        self.check = check
    }

    /// The compact JSON line (no newline).
    public var jsonLine: String {
        JSONWriter.string(.object([("task", .string(task)), ("messages", SFTRecord.messagesJSON(messages)),
                                   ("answer", .string(answer)), ("check", .string(check.rawValue))]), indent: nil)
    }

    /// Parses one JSON line; `file` and `line` name the place in errors.
    public init(jsonLine text: String, file: String, line: Int) throws {
        func fail(_ reason: String) -> EvalFileError { .invalidLine(file: file, line: line, reason: reason) }
        let value: JSONValue
        do { value = try JSONParser.parse(Array(text.utf8)) } catch { throw fail("not JSON: \(error)") }
        guard case .object = value else { throw fail("expected a JSON object, found \(value.kindName)") }
        guard case let .string(task)? = value["task"] else { throw fail("\"task\" must be a string") }
        guard case let .string(answer)? = value["answer"] else { throw fail("\"answer\" must be a string") }
        guard case let .string(checkName)? = value["check"] else { throw fail("\"check\" must be a string") }
        guard let check = CheckKind(rawValue: checkName) else {
            throw fail("unknown check \"\(checkName)\" (\(CheckKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard case let .array(list)? = value["messages"], !list.isEmpty else {
            throw fail("\"messages\" must be a non-empty array")
        }
        var messages: [ChatMessage] = []
        for (i, entry) in list.enumerated() {
            guard case let .string(roleName)? = entry["role"], case let .string(content)? = entry["content"] else {
                throw fail("messages[\(i)] needs string \"role\" and \"content\"")
            }
            let role: ChatMessage.Role
            switch roleName {
            case "user": role = .user
            case "model", "assistant": role = .model
            case "system": role = .system
            default: throw fail("messages[\(i)]: unknown role \"\(roleName)\"")
            }
            messages.append(ChatMessage(role: role, content: content))
        }
        guard messages.last?.role == .user else { throw fail("the last message must be the user's question") }
        self.init(task: task, messages: messages, answer: answer, check: check)
    }

    /// Reads every non-empty line of an eval.jsonl file.
    public static func load(from url: URL) throws -> [EvalItem] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw EvalFileError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try items(in: data, file: url.path)
    }

    /// Parses the text of an eval.jsonl file; `file` names it in errors.
    static func items(in data: Data, file: String) throws -> [EvalItem] {
        guard let text = String(data: data, encoding: .utf8) else {
            throw EvalFileError.unreadable(file: file, reason: "not UTF-8 text")
        }
        var items: [EvalItem] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            items.append(try EvalItem(jsonLine: trimmed, file: file, line: index + 1))
        }
        if items.isEmpty { throw EvalFileError.empty(file: file) }
        return items
    }
}

/// Why an evaluation file cannot be used.
public enum EvalFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case invalidLine(file: String, line: Int, reason: String)
    case empty(file: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): "cannot read \(file): \(reason)"
        case let .invalidLine(file, line, reason): "\(file):\(line): \(reason)"
        case let .empty(file): "\(file) has no evaluation items"
        }
    }
}
