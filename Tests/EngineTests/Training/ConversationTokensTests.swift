import Foundation
import Testing
@testable import Engine
@testable import Tokenizers

/// SFT: which tokens of a rendered conversation are learnt, and how they become examples.
@Suite struct ConversationTokensTests {
    static let messages = [
        ChatMessage(role: .system, content: "Be brief."),
        ChatMessage(role: .user, content: "What is the river like?"),
        ChatMessage(role: .model, content: " Quiet and old. "),
        ChatMessage(role: .user, content: "And the fox?"),
        ChatMessage(role: .model, content: "It watches from the hills."),
    ]

    static var tokenizers: [any Tokenizer] { [DataTestSupport.tokenizer, TokenizerFixtures.sentencePiece] }

    @Test func learnsModelTurnsWithEndOfTurnAndNothingElse() throws {
        for tokenizer in Self.tokenizers {
            let c = try ConversationTokens(Self.messages, tokenizer: tokenizer)
            // The same ids as the chat template gives for the whole conversation.
            #expect(c.ids == (try ChatTemplate.encode(Self.messages, tokenizer: tokenizer, addGenerationPrompt: false)))
            let endOfTurn = try #require(tokenizer.id(forPiece: ChatTemplate.endOfTurn))
            // Learnt runs: each model turn's trimmed text followed by <end_of_turn>.
            var runs: [[TokenID]] = []
            for (i, id) in c.ids.enumerated() where c.learn[i] == 1 {
                if i == 0 || c.learn[i - 1] == 0 { runs.append([]) }
                runs[runs.count - 1].append(id)
            }
            #expect(runs.count == 2)
            #expect(runs[0] == tokenizer.encode("Quiet and old.", addBOS: false) + [endOfTurn])
            #expect(runs[1] == tokenizer.encode("It watches from the hills.", addBOS: false) + [endOfTurn])
            // Everything before the last reply is exactly the inference-time prompt.
            let replyStart = c.learn.withUnsafeBufferPointer { SFTObjective.replies($0).last!.start }
            #expect(Array(c.ids[..<replyStart])
                    == (try ChatTemplate.encode(Array(Self.messages.dropLast()), tokenizer: tokenizer, addGenerationPrompt: true)))
        }
    }

    @Test func rejectsConversationsWithoutAFinalModelTurn() {
        let tokenizer = DataTestSupport.tokenizer
        #expect(throws: ConversationTokens.Problem.lastTurnNotModel) {
            try ConversationTokens([ChatMessage(role: .user, content: "hi")], tokenizer: tokenizer)
        }
        #expect(throws: ConversationTokens.Problem.template(.rolesMustAlternate(index: 1, expected: .model, found: .user))) {
            try ConversationTokens([ChatMessage(role: .user, content: "a"), ChatMessage(role: .user, content: "b"),
                                    ChatMessage(role: .model, content: "c")], tokenizer: tokenizer)
        }
        #expect(throws: ConversationTokens.Problem.template(.emptyConversation)) {
            try ConversationTokens([], tokenizer: tokenizer)
        }
    }

    @Test func decoderOnlyExampleLearnsModelTurnsAndTruncates() throws {
        let tokenizer = DataTestSupport.tokenizer
        let c = try ConversationTokens(Self.messages, tokenizer: tokenizer)
        let doc = DocumentInfo(index: 0, count: c.ids.count, startsDocument: true, endsDocument: true)
        let special = try TrainingData.specialTokens(tokenizer, options: DataOptions(objective: .sft))
        try c.ids.withUnsafeBufferPointer { ids in
            try c.learn.withUnsafeBufferPointer { learn in
                let spec = try #require(SFTObjective.plan(doc, learn: learn, encoderLength: nil, decoderLength: 512).first)
                let e = SFTObjective.example(spec, document: ids, learn: learn, special: special, encoderDecoder: false)
                #expect(e.tokens == c.ids && e.learn == c.learn.map { $0 == 1 })
                let batch = BatchAssembler.decoderOnly([[e]], packed: false, pad: special.pad)
                let learnt = batch.targets.filter { $0 != -100 }
                #expect(learnt == zip(c.ids, c.learn).filter { $0.1 == 1 }.map(\.0))
                // Cut to a row that still reaches into the first reply.
                let firstReply = c.learn.firstIndex(of: 1)!
                let short = try #require(SFTObjective.plan(doc, learn: learn, encoderLength: nil, decoderLength: firstReply + 2).first)
                let cut = SFTObjective.example(short, document: ids, learn: learn, special: special, encoderDecoder: false)
                #expect(cut.tokens == Array(c.ids[..<(firstReply + 2)]))
                // A row too short for any reply token makes no example.
                #expect(SFTObjective.plan(doc, learn: learn, encoderLength: nil, decoderLength: firstReply).isEmpty)
            }
        }
    }

    @Test func encoderDecoderLearnsEveryModelTurnWithItsHistoryInTheEncoder() throws {
        let tokenizer = DataTestSupport.tokenizer
        let c = try ConversationTokens(Self.messages, tokenizer: tokenizer)
        let doc = DocumentInfo(index: 0, count: c.ids.count, startsDocument: true, endsDocument: true)
        let special = try TrainingData.specialTokens(tokenizer, options: DataOptions(objective: .sft))
        let endOfTurn = try #require(tokenizer.id(forPiece: ChatTemplate.endOfTurn))
        let prompt = try ChatTemplate.encode(Array(Self.messages.dropLast()), tokenizer: tokenizer, addGenerationPrompt: true)
        let reply = tokenizer.encode("It watches from the hills.", addBOS: false) + [endOfTurn, tokenizer.eosID]
        let firstPrompt = try ChatTemplate.encode(Array(Self.messages.prefix(2)), tokenizer: tokenizer, addGenerationPrompt: true)
        let firstReply = tokenizer.encode("Quiet and old.", addBOS: false) + [endOfTurn, tokenizer.eosID]
        try c.ids.withUnsafeBufferPointer { ids in
            try c.learn.withUnsafeBufferPointer { learn in
                // One example per model turn: the same targets the decoder-only model learns from.
                let specs = SFTObjective.plan(doc, learn: learn, encoderLength: 512, decoderLength: 512)
                #expect(specs.count == 2)
                let first = SFTObjective.example(specs[0], document: ids, learn: learn, special: special, encoderDecoder: true)
                #expect(first.encoder == firstPrompt)
                #expect(first.tokens == firstReply && first.learn.allSatisfy { $0 })
                let e = SFTObjective.example(specs[1], document: ids, learn: learn, special: special, encoderDecoder: true)
                #expect(e.encoder == prompt)
                #expect(e.tokens == reply && e.learn.allSatisfy { $0 })
                // Long prompts keep <bos> and their newest tokens; long replies are cut.
                let small = try #require(SFTObjective.plan(doc, learn: learn, encoderLength: 6, decoderLength: 4).last)
                let cut = SFTObjective.example(small, document: ids, learn: learn, special: special, encoderDecoder: true)
                #expect(cut.encoder == [prompt[0]] + prompt.suffix(5))
                #expect(cut.tokens == Array(reply.prefix(4)))
            }
        }
    }
}
