import Foundation
import Testing
@testable import Engine
@testable import Tokenizers

/// Reading data: files and directories, text documents and blocks, JSONL records and their errors.
@Suite struct DataSourceTests {
    @Test func textFilesSplitAtSeparatorLinesAndTrimLineBreaks() throws {
        let text = "\n\nFirst story.\nSecond line.\n<|endoftext|>\nSecond story.\n  <|endoftext|>  \n\n<|endoftext|>\n  Third, indented.\n\n"
        let docs = try TextDocuments.documents(in: Array(text.utf8), file: "x.txt").map { String(decoding: $0, as: UTF8.self) }
        #expect(docs == ["First story.\nSecond line.", "Second story.", "  Third, indented."])
        #expect(try TextDocuments.documents(in: Array("\n\n".utf8), file: "x.txt").isEmpty)
    }

    @Test func invalidUTF8NamesTheLineAndByte() {
        let bytes = Array("ok\nfine\nbad ".utf8) + [0xFF, 0x41]
        #expect(throws: DataError.invalidRecord(file: "x.txt", line: 3, reason: "invalid UTF-8 at byte 12")) {
            try TextDocuments.documents(in: bytes, file: "x.txt")
        }
    }

    @Test func longDocumentsAreCutIntoBlocksAtParagraphsThenLinesThenSpaces() {
        let paragraph = String(repeating: "word ", count: 30) + "end.\n\n"    // 156 bytes
        let doc = Array(String(repeating: paragraph, count: 20).utf8)
        let blocks = TextDocuments.blocks(of: doc[...], limit: 1000)
        #expect(blocks.map(\.text).joined() == String(decoding: doc, as: UTF8.self))
        #expect(blocks.allSatisfy { $0.text.utf8.count <= 1000 })
        #expect(blocks.dropLast().allSatisfy { $0.text.hasSuffix("end.\n\n") })
        #expect(blocks.map(\.startsDocument) == [true] + Array(repeating: false, count: blocks.count - 1))
        #expect(blocks.map(\.endsDocument) == Array(repeating: false, count: blocks.count - 1) + [true])
        // No line breaks: cut after a space; no spaces either: between characters, never inside one.
        let words = Array(String(repeating: "abcdefghi ", count: 300).utf8)
        #expect(TextDocuments.blocks(of: words[...], limit: 1000).dropLast().allSatisfy { $0.text.hasSuffix(" ") })
        let wide = String(repeating: "日本語", count: 400)
        let wideBlocks = TextDocuments.blocks(of: Array(wide.utf8)[...], limit: 1000)
        #expect(wideBlocks.map(\.text).joined() == wide && wideBlocks.count == 4)
        #expect(TextDocuments.blocks(of: Array("short".utf8)[...]) == [TextUnit(text: "short", startsDocument: true, endsDocument: true)])
    }

    @Test func jsonlTextRecordsSkipBlankLines() throws {
        let text = "\u{FEFF}{\"text\": \"one\", \"id\": 1}\n\n   \r\n{\"text\": \"two\\nlines\"}\r\n"
        let records = try JSONLRecords.records(in: Array(text.utf8), file: "d.jsonl", conversations: false)
        #expect(records.map(\.line) == [1, 4])
        #expect(records.map(\.record) == [.text("one"), .text("two\nlines")])
    }

    @Test func jsonlErrorsNameFileAndLine() {
        func error(_ text: String, conversations: Bool = false) -> DataError? {
            do {
                _ = try JSONLRecords.records(in: Array(text.utf8), file: "d.jsonl", conversations: conversations)
                return nil
            } catch { return error as? DataError }
        }
        #expect(error("{\"text\": \"a\"}\n{\"text\": \"b\"\n") == .invalidRecord(file: "d.jsonl", line: 2, reason: "not valid JSON: unexpected end of JSON at column 13"))
        #expect(error("{\"text\": \"a\"}\n\n[1, 2]\n") == .invalidRecord(file: "d.jsonl", line: 3, reason: "expected a JSON object, found an array"))
        #expect(error("{\"txt\": \"a\"}\n") == .invalidRecord(file: "d.jsonl", line: 1, reason: "missing \"text\""))
        #expect(error("{\"text\": 5}\n") == .invalidRecord(file: "d.jsonl", line: 1, reason: "\"text\" must be a string, found a number"))
        #expect(error("{\"messages\": []}\n")?.description.contains("conversations train with the sft objective") == true)
        #expect(error("{\"text\": \"a\"}\n", conversations: true)?.description.contains("the sft objective needs conversations") == true)
        #expect(error("{\"messages\": [{\"role\": \"bot\", \"content\": \"x\"}]}", conversations: true)
                == .invalidRecord(file: "d.jsonl", line: 1, reason: "messages[0]: unknown role \"bot\" (system, user, model/assistant)"))
        #expect(error("{\"messages\": [{\"role\": \"user\"}]}", conversations: true)
                == .invalidRecord(file: "d.jsonl", line: 1, reason: "messages[0] needs a string \"content\""))
        #expect(error("{\"prompt\": \"q\"}", conversations: true)
                == .invalidRecord(file: "d.jsonl", line: 1, reason: "\"response\" must be a string"))
    }

    @Test func jsonlConversationShapes() throws {
        let text = """
        {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}
        {"system": "s", "prompt": "q", "response": "r"}
        """
        let records = try JSONLRecords.records(in: Array(text.utf8), file: "c.jsonl", conversations: true).map(\.record)
        #expect(records == [
            .conversation([ChatMessage(role: .user, content: "a"), ChatMessage(role: .model, content: "b")]),
            .conversation([ChatMessage(role: .system, content: "s"), ChatMessage(role: .user, content: "q"), ChatMessage(role: .model, content: "r")]),
        ])
    }

    @Test func directoriesListTextMarkdownAndJSONLInPathOrder() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        for name in ["b.txt", "a/z.md", "a/y.jsonl", "c.csv", ".hidden.txt", ".git/x.txt", "A.TXT"] {
            try DataTestSupport.write("x", to: dir.appendingPathComponent(name))
        }
        // A link back up the tree is not followed twice.
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("a/loop"), withDestinationURL: dir)
        let source = try DataSource(path: dir)
        #expect(source.files.map(\.relativePath) == ["A.TXT", "a/y.jsonl", "a/z.md", "b.txt"])
        #expect(source.files.map(\.format) == [.text, .jsonl, .text, .text])
        #expect(source.cacheURL(key: "k").lastPathComponent == dir.lastPathComponent + ".duet-tokens-k.bin")
        #expect(source.cacheURL(key: "k").deletingLastPathComponent().path == dir.deletingLastPathComponent().path)

        #expect(throws: DataError.self) { try DataSource(path: dir.appendingPathComponent("missing")) }
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(throws: DataError.noDocuments(path: empty.path, reason: "the directory has no .txt, .md or .jsonl files")) {
            try DataSource(path: empty)
        }
    }

    @Test func parallelTokenisationEqualsEncodingEachDocument() {
        let tokenizer = DataTestSupport.tokenizer
        let units = (0..<40).map { TextUnit(text: DataTestSupport.sentences(1 + $0 % 7, seed: UInt64($0)), startsDocument: true, endsDocument: true) }
        #expect(CorpusTokenizer.tokenize(units, tokenizer: tokenizer) == units.map { tokenizer.encode($0.text, addBOS: false) })
    }
}
