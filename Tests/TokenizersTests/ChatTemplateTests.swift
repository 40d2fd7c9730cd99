import Foundation
import Testing
@testable import Tokenizers

@Suite struct ChatTemplateTests {
    @Test func rendersAndEncodesLikeTransformers() throws {
        let goldens = try TokenizerFixtures.goldens(TokenizerFixtures.gemmaLike)
        let chats = try #require(goldens.chat_cases)
        #expect(chats.count >= 5)
        let sp = TokenizerFixtures.sentencePiece
        let hf = HFTokenizerTests.gemmaLike
        for chat in chats {
            #expect(try ChatTemplate.render(chat.messages, addGenerationPrompt: chat.add_generation_prompt) == chat.rendered)
            #expect(try ChatTemplate.encode(chat.messages, tokenizer: hf, addGenerationPrompt: chat.add_generation_prompt) == chat.hf_ids)
            #expect(try ChatTemplate.encode(chat.messages, tokenizer: sp, addGenerationPrompt: chat.add_generation_prompt) == chat.spm_ids)
        }
    }

    @Test func singleTurn() throws {
        let text = try ChatTemplate.render([ChatMessage(role: .user, content: "  Hi there \n")])
        #expect(text == "<bos><start_of_turn>user\nHi there<end_of_turn>\n<start_of_turn>model\n")
    }

    @Test func multiTurnWithoutGenerationPrompt() throws {
        let text = try ChatTemplate.render([
            ChatMessage(role: .user, content: "a"), ChatMessage(role: .model, content: "b"), ChatMessage(role: .user, content: "c"),
        ], addGenerationPrompt: false)
        #expect(text == "<bos><start_of_turn>user\na<end_of_turn>\n<start_of_turn>model\nb<end_of_turn>\n<start_of_turn>user\nc<end_of_turn>\n")
    }

    @Test func systemIsFoldedIntoTheFirstUserTurn() throws {
        let text = try ChatTemplate.render([
            ChatMessage(role: .system, content: "Be brief. "), ChatMessage(role: .user, content: "Why is the sky blue?"),
        ])
        #expect(text == "<bos><start_of_turn>user\nBe brief.\n\nWhy is the sky blue?<end_of_turn>\n<start_of_turn>model\n")
        #expect(try ChatTemplate.render([ChatMessage(role: .system, content: " "), ChatMessage(role: .user, content: "x")])
                == "<bos><start_of_turn>user\nx<end_of_turn>\n<start_of_turn>model\n")
    }

    @Test func rolesMustAlternate() {
        #expect(throws: ChatTemplateError.rolesMustAlternate(index: 1, expected: .model, found: .user)) {
            try ChatTemplate.render([ChatMessage(role: .user, content: "a"), ChatMessage(role: .user, content: "b")])
        }
        #expect(throws: ChatTemplateError.rolesMustAlternate(index: 0, expected: .user, found: .model)) {
            try ChatTemplate.render([ChatMessage(role: .model, content: "a")])
        }
        #expect(throws: ChatTemplateError.rolesMustAlternate(index: 2, expected: .model, found: .user)) {
            try ChatTemplate.render([ChatMessage(role: .system, content: "s"), ChatMessage(role: .user, content: "a"),
                                     ChatMessage(role: .user, content: "b")])
        }
        #expect(throws: ChatTemplateError.misplacedSystemMessage(index: 1)) {
            try ChatTemplate.render([ChatMessage(role: .user, content: "a"), ChatMessage(role: .system, content: "b")])
        }
        #expect(throws: ChatTemplateError.emptyConversation) { try ChatTemplate.render([]) }
    }

    @Test func encodeHasExactlyOneBOS() throws {
        let messages = [ChatMessage(role: .user, content: "Hello"), ChatMessage(role: .model, content: "Hi"),
                        ChatMessage(role: .user, content: "Bye")]
        for tokenizer in [TokenizerFixtures.sentencePiece as any Tokenizer, HFTokenizerTests.gemmaLike] {
            let ids = try ChatTemplate.encode(messages, tokenizer: tokenizer)
            #expect(ids.first == tokenizer.bosID)
            #expect(ids.filter { $0 == tokenizer.bosID }.count == 1)
            // The turn markers are single tokens in both formats.
            let start = try #require(tokenizer.id(forPiece: "<start_of_turn>"))
            #expect(ids.filter { $0 == start }.count == 4)
            #expect(tokenizer.decode(ids) == (tokenizer is HFTokenizer
                ? "user\nHello\nmodel\nHi\nuser\nBye\nmodel\n"   // special turn markers are skipped
                : String(try ChatTemplate.render(messages).dropFirst(5))))
        }
    }

    @Test func assistantDecodesAsModel() throws {
        let json = #"[{"role":"system","content":"s"},{"role":"user","content":"u"},{"role":"assistant","content":"a"}]"#
        let messages = try JSONDecoder().decode([ChatMessage].self, from: Data(json.utf8))
        #expect(messages.map(\.role) == [.system, .user, .model])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([ChatMessage].self, from: Data(#"[{"role":"robot","content":"x"}]"#.utf8))
        }
    }
}
