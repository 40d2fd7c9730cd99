import Testing
@testable import TUI

@Suite struct PromptSetTests {
    @Test func plainLinesSkipBlanksAndComments() throws {
        #expect(try PromptSet.parse("Hello\n\n# a comment\n  Translate: 你好  \n") == ["Hello", "Translate: 你好"])
    }

    @Test func jsonLinesTakePromptFieldsOrStrings() throws {
        let text = """
        {"prompt": "What is 2+2?", "id": 1}

        "Write a haiku"
        {"prompt": "Line one\\nline two"}
        """
        #expect(try PromptSet.parse(text) == ["What is 2+2?", "Write a haiku", "Line one\nline two"])
    }

    @Test func badJSONLinesNameTheLine() {
        #expect(throws: PromptSet.ParseError.self) { try PromptSet.parse("{\"prompt\": \"ok\"}\n{\"text\": 3}\n", file: "set.jsonl") }
        do {
            _ = try PromptSet.parse("{\"prompt\": \"ok\"}\n{\"text\": 3}\n", file: "set.jsonl")
        } catch {
            #expect("\(error)".hasPrefix("set.jsonl:2: expected a JSON object"))
        }
    }
}
