import Foundation
import Tokenizers

/// Turns the files of a `DataSource` into a `TokenCorpusBuilder`: reads each file, cuts it into
/// documents (text) or records (JSONL), and tokenises them in parallel rounds of a few megabytes.
/// The tokenizers are immutable after loading (`Tokenizer` is `Sendable`), so one instance serves all
/// threads; the output does not depend on the thread count.
enum CorpusTokenizer {
    /// Text gathered before a parallel tokenising round.
    static let roundBytes = 8 << 20

    static func build(_ source: DataSource, tokenizer: any Tokenizer, kind: TokenCorpus.Kind) throws -> TokenCorpusBuilder {
        var builder = TokenCorpusBuilder(kind: kind)
        var texts: [TextUnit] = []
        var conversations: [(messages: [ChatMessage], file: String, line: Int)] = []
        var pendingBytes = 0

        func flush() throws {
            if !texts.isEmpty {
                for (unit, ids) in zip(texts, tokenize(texts, tokenizer: tokenizer)) {
                    builder.append(ids, startsDocument: unit.startsDocument, endsDocument: unit.endsDocument)
                }
            }
            if !conversations.isEmpty {
                for result in tokenize(conversations.map(\.messages), tokenizer: tokenizer).enumerated() {
                    switch result.element {
                    case let .success(c):
                        builder.append(c.ids, startsDocument: true, endsDocument: true, learn: c.learn)
                    case let .failure(problem):
                        let at = conversations[result.offset]
                        throw DataError.invalidRecord(file: at.file, line: at.line, reason: problem.description)
                    }
                }
            }
            texts.removeAll(keepingCapacity: true)
            conversations.removeAll(keepingCapacity: true)
            pendingBytes = 0
        }

        for file in source.files {
            let bytes = try DataSource.read(file)
            let path = file.url.path
            switch (kind, file.format) {
            case (.text, .text):
                for document in try TextDocuments.documents(in: bytes, file: path) {
                    texts += TextDocuments.blocks(of: document)
                }
            case (.text, .jsonl):
                for (_, record) in try JSONLRecords.records(in: bytes, file: path, conversations: false) {
                    guard case let .text(text) = record, !text.isEmpty else { continue }
                    texts += TextDocuments.blocks(of: Array(text.utf8)[...])
                }
            case (.conversations, .jsonl):
                for (line, record) in try JSONLRecords.records(in: bytes, file: path, conversations: true) {
                    guard case let .conversation(messages) = record else { continue }
                    conversations.append((messages, path, line))
                }
            case (.conversations, .text):
                throw DataError.noDocuments(path: path, reason: "the sft objective reads conversations from .jsonl files, not plain text")
            }
            pendingBytes += bytes.count
            if pendingBytes >= roundBytes { try flush() }
        }
        try flush()
        return builder
    }

    /// Token ids of each unit, encoded without special tokens (objectives add `<bos>`/`<eos>`).
    static func tokenize(_ units: [TextUnit], tokenizer: any Tokenizer) -> [[TokenID]] {
        var results = [[TokenID]](repeating: [], count: units.count)
        results.withUnsafeMutableBufferPointer { out in
            let out = out
            EngineThreads.parallelFor(units.count) { range in
                for i in range { out[i] = tokenizer.encode(units[i].text, addBOS: false) }
            }
        }
        return results
    }

    static func tokenize(_ conversations: [[ChatMessage]], tokenizer: any Tokenizer) -> [Result<ConversationTokens, ConversationTokens.Problem>] {
        var results = [Result<ConversationTokens, ConversationTokens.Problem>](repeating: .failure(.lastTurnNotModel), count: conversations.count)
        results.withUnsafeMutableBufferPointer { out in
            let out = out
            EngineThreads.parallelFor(conversations.count) { range in
                for i in range {
                    out[i] = Result { () throws(ConversationTokens.Problem) in
                        try ConversationTokens(conversations[i], tokenizer: tokenizer)
                    }
                }
            }
        }
        return results
    }
}
