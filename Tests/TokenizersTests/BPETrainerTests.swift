import Foundation
import Testing
@testable import Tokenizers

@Suite struct BPETrainerTests {
    static let fixtureOptions = BPETrainer.Options(vocabularySize: 1024, unusedTokens: 4)
    static let corpus = try! String(contentsOf: TokenizerFixtures.duetTrained.appendingPathComponent("corpus.txt"), encoding: .utf8)

    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: TokenizerFixtures.duetTrained.appendingPathComponent(name), encoding: .utf8)
    }

    @Test func reproducesTheCommittedFilesByteForByte() throws {
        // The fixture was written by `duet tokenizer train` (see goldens.json "trained_with").
        let trained = try BPETrainer(options: Self.fixtureOptions).train(texts: [Self.corpus])
        #expect(trained.tokenizerJSON() == (try Self.fixture("tokenizer.json")))
        #expect(trained.tokenizerConfigJSON() == (try Self.fixture("tokenizer_config.json")))
        #expect(trained.specialTokensMapJSON() == (try Self.fixture("special_tokens_map.json")))
        let again = try BPETrainer(options: Self.fixtureOptions).train(texts: [Self.corpus])
        #expect(again.tokenizerJSON() == trained.tokenizerJSON())
    }

    @Test func pythonTokenizersEncodesTheWrittenFileIdentically() throws {
        let tokenizer = try #require(try TokenizerLoader.load(directory: TokenizerFixtures.duetTrained))
        let goldens = try TokenizerFixtures.goldens(TokenizerFixtures.duetTrained)
        #expect(goldens.cases.count >= 100)
        for c in goldens.cases {
            #expect(tokenizer.encode(c.text, addBOS: false) == c.hf_ids, "\(c.name)")
            #expect(tokenizer.encode(c.text, addBOS: true) == c.hf_ids_special, "\(c.name) with BOS")
            #expect(tokenizer.decode(c.hf_ids!) == c.hf_decoded, "\(c.name) decode")
        }
    }

    @Test func layoutIsGemmaLike() throws {
        let trained = try BPETrainer(options: Self.fixtureOptions).train(texts: [Self.corpus])
        #expect(trained.tokens.count == 1024)
        #expect(trained.specialTokens == ["<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>",
                                          "<unused0>", "<unused1>", "<unused2>", "<unused3>"])
        #expect(trained.tokens[10] == "<0x00>" && trained.tokens[265] == "<0xFF>")
        let tokenizer = try trained.makeTokenizer()
        #expect(tokenizer.bosID == 2 && tokenizer.eosID == 1 && tokenizer.padID == 0)
        #expect(tokenizer.encode("<start_of_turn>user\n<unused3>", addBOS: true).prefix(2) == [2, 4])
        #expect(tokenizer.encode("<unused3>", addBOS: false) == [9])
        // Digits are never merged, with each other or with anything else.
        for (a, b) in trained.merges {
            #expect(!(a + b).unicodeScalars.contains { $0.properties.generalCategory == .decimalNumber }, "\(a) \(b)")
        }
        #expect(tokenizer.pieces(for: tokenizer.encode("x 20240611", addBOS: false)).suffix(8) == ["2", "0", "2", "4", "0", "6", "1", "1"])
        // Spaces are U+2581 and words start with them, whitespace runs can be tokens.
        #expect(trained.tokens.contains("\u{2581}the"))
        #expect(trained.tokens.contains("\n\n"))
    }

    @Test func roundTripsEverythingIncludingUnseenCharacters() throws {
        let tokenizer = try BPETrainer(options: Self.fixtureOptions).train(texts: [Self.corpus]).makeTokenizer()
        let texts = [Self.corpus, "Ünïcödé ∮ 𝔘𝔫𝔦 🦩 \u{0}\t\r\n end  ", "", "   "]
        for text in texts {
            #expect(tokenizer.decode(tokenizer.encode(text, addBOS: true)) == text)
        }
        // Byte fallback for a character the corpus never had.
        #expect(tokenizer.pieces(for: tokenizer.encode("∮", addBOS: false)) == ["<0xE2>", "<0x88>", "<0xAE>"])
    }

    @Test func requiredCharactersAreTokensEvenWhenTheCorpusLacksThem() throws {
        // A corpus without capitals: "Ysolde" would be bytes for its Y without the printable-ASCII alphabet.
        let corpus = "ysolde and the fox went to the river. the river was wide."
        let plain = try BPETrainer(options: .init(vocabularySize: 600, unusedTokens: 0)).train(texts: [corpus]).makeTokenizer()
        #expect(plain.pieces(for: plain.encode("Ysolde", addBOS: false)).first == "<0x59>")
        let options = BPETrainer.Options(vocabularySize: 600, unusedTokens: 0, maximumTokenLength: 1,
                                         requiredCharacters: BPETrainer.Options.printableASCII)
        let trained = try BPETrainer(options: options).train(texts: [corpus])
        #expect(trained.merges.isEmpty)  // one token per character
        let tokenizer = try trained.makeTokenizer()
        let text = "Ysolde QUIZ: {x} ~ 42!"
        let pieces = tokenizer.pieces(for: tokenizer.encode(text, addBOS: false))
        #expect(pieces.count == text.count && !pieces.contains { $0.hasPrefix("<0x") }, "\(pieces)")
        #expect(tokenizer.decode(tokenizer.encode(text, addBOS: false)) == text)
        // 95 printable characters (space as U+2581); what the corpus adds (here nothing) comes after.
        #expect(trained.tokens.count == 6 + 256 + 95)
        #expect(throws: TokenizerError.training(reason: "95 required characters do not fit in 38 free tokens")) {
            try BPETrainer(options: .init(vocabularySize: 300, unusedTokens: 0, requiredCharacters: BPETrainer.Options.printableASCII))
                .train(texts: [corpus])
        }
    }

    @Test func mergesAreLearnedInFrequencyOrder() throws {
        let options = BPETrainer.Options(vocabularySize: 256 + 6 + 6, unusedTokens: 0, minimumPairFrequency: 1)
        // Words "aab", "▁aab", "▁aab", "▁aa". Alphabet by frequency, ties by code point: a(8) b(3) ▁(3).
        // "a a" (4) merges first; then "aa b" and "▁ aa" tie at 3 and the smaller left id (▁ < aa)
        // wins; then "▁aa b" (2) beats "aa b" (1).
        let trained = try BPETrainer(options: options).train(texts: ["aab aab aab aa"])
        #expect(trained.tokens.suffix(6) == ["a", "b", "\u{2581}", "aa", "\u{2581}aa", "\u{2581}aab"])
        #expect(trained.merges.map { [$0.0, $0.1] } == [["a", "a"], ["\u{2581}", "aa"], ["\u{2581}aa", "b"]])
    }

    @Test func rejectsUnusableOptions() {
        #expect(throws: TokenizerError.self) {
            try BPETrainer(options: .init(vocabularySize: 200)).train(texts: ["abc"])
        }
        #expect(throws: TokenizerError.training(reason: "no training text")) {
            try BPETrainer(options: .init(vocabularySize: 1000)).train(texts: [String]())
        }
    }

    @Test func readsTxtAndJSONLCorpora() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("duet-corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "plain text\nfile".write(to: dir.appendingPathComponent("b.txt"), atomically: true, encoding: .utf8)
        try "{\"text\": \"first\"}\n\n{\"text\": \"second\\nline\", \"id\": 2}\n".write(
            to: dir.appendingPathComponent("a.jsonl"), atomically: true, encoding: .utf8)
        try "ignored".write(to: dir.appendingPathComponent("c.md"), atomically: true, encoding: .utf8)
        let files = try TrainingCorpus.files(at: dir)
        #expect(files.map(\.lastPathComponent) == ["a.jsonl", "b.txt"])
        #expect(try TrainingCorpus.texts(in: files[0]) == ["first", "second\nline"])
        #expect(try TrainingCorpus.texts(in: files[1]) == ["plain text\nfile"])
        try "{\"txt\": 1}\n".write(to: dir.appendingPathComponent("bad.jsonl"), atomically: true, encoding: .utf8)
        #expect(throws: TokenizerError.malformedJSON(file: dir.appendingPathComponent("bad.jsonl").path + ":1",
                                                    path: "$.text", reason: "expected a string, found null")) {
            try TrainingCorpus.texts(in: dir.appendingPathComponent("bad.jsonl"))
        }
    }
}
