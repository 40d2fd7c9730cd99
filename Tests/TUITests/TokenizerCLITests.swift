import Engine
import Foundation
import Testing
@testable import Tokenizers

@Suite struct TokenizerCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tokenizers")
    static let gemmaLike = fixtures.appendingPathComponent("gemma-like")

    struct Tokenized: Decodable {
        var ids: [TokenID]
        var pieces: [String]
    }


    @Test func tokenizeJSONMatchesTheEngine() throws {
        let text = "Hello <start_of_turn> 世界 🦩 2024"
        let out = try runDuet(["tokenize", "--model", Self.gemmaLike.path, "--text", text, "--json"])
        #expect(out.status == 0, "\(out.stderr)")
        let result = try JSONDecoder().decode(Tokenized.self, from: Data(out.stdout.utf8))
        let tokenizer = try #require(try TokenizerLoader.load(directory: Self.gemmaLike))
        #expect(result.ids == tokenizer.encode(text, addBOS: true))
        #expect(result.ids.first == 2 && result.pieces.first == "<bos>")
        #expect(result.pieces == result.ids.map { tokenizer.piece(for: $0)! })

        let noBOS = try runDuet(["tokenize", "--tokenizer", Self.gemmaLike.appendingPathComponent("tokenizer.model").path,
                                 "--text", text, "--json", "--no-bos"])
        let sp = try JSONDecoder().decode(Tokenized.self, from: Data(noBOS.stdout.utf8))
        let spTokenizer = try SentencePieceTokenizer(contentsOf: Self.gemmaLike.appendingPathComponent("tokenizer.model"))
        #expect(sp.ids == spTokenizer.encode(text, addBOS: false))
    }

    @Test func tokenizePlainAndFromFile() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        let file = dir.appendingPathComponent("in.txt")
        try "a\tb\n".write(to: file, atomically: true, encoding: .utf8)
        let out = try runDuet(["tokenize", "--model", Self.gemmaLike.path, "--file", file.path])
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n")
        #expect(lines.first?.hasSuffix("tokens") == true)
        #expect(lines.contains { $0.hasSuffix("  <bos>") })
        #expect(lines.contains { $0.hasSuffix("  \\t") } && lines.contains { $0.hasSuffix("  \\n") })
    }

    @Test func detokenizeRoundTrips() throws {
        let text = "Round trip: 你好, 🦩!"
        let tokenizer = try #require(try TokenizerLoader.load(directory: Self.gemmaLike))
        let ids = tokenizer.encode(text, addBOS: true).map(String.init).joined(separator: ",")
        let out = try runDuet(["detokenize", "--model", Self.gemmaLike.path, "--ids", ids])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout == text + "\n")
        let bad = try runDuet(["detokenize", "--model", Self.gemmaLike.path, "--ids", "1,99999"])
        #expect(bad.status != 0 && bad.stderr.contains("99999"))
    }

    @Test func trainWritesTheCommittedFixture() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        let fixture = Self.fixtures.appendingPathComponent("duet-trained")
        let out = try runDuet(["tokenizer", "train", "--data", fixture.appendingPathComponent("corpus.txt").path,
                               "--vocab-size", "1024", "--unused-tokens", "4", "--out", dir.path])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("vocabulary 1024 tokens"))
        for name in ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"] {
            #expect(try Data(contentsOf: dir.appendingPathComponent(name)) == Data(contentsOf: fixture.appendingPathComponent(name)), "\(name)")
        }
        let encoded = try runDuet(["tokenize", "--model", dir.path, "--text", "hello 12", "--json"])
        let result = try JSONDecoder().decode(Tokenized.self, from: Data(encoded.stdout.utf8))
        #expect(result.pieces.suffix(2) == ["1", "2"] && result.ids.first == 2)
    }

    @Test func trainReadsJSONLDirectories() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let lines = (0..<200).map { "{\"text\": \"sample \($0) of the training text, again and again\"}" }
        try lines.joined(separator: "\n").write(to: data.appendingPathComponent("part.jsonl"), atomically: true, encoding: .utf8)
        let out = try runDuet(["tokenizer", "train", "--data", data.path, "--vocab-size", "400", "--out", dir.appendingPathComponent("tok").path])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("tok/tokenizer.json").path))
    }

    @Test func badInvocationsFailWithClearMessages() throws {
        let both = try runDuet(["tokenize", "--model", Self.gemmaLike.path, "--tokenizer", "x.json", "--text", "a"])
        #expect(both.status != 0 && both.stderr.contains("exactly one of --model DIR or --tokenizer FILE"))
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        let corrupt = dir.appendingPathComponent("tokenizer.model")
        try Data([0x0A, 0xFF]).write(to: corrupt)
        let out = try runDuet(["tokenize", "--tokenizer", corrupt.path, "--text", "a"])
        #expect(out.status != 0)
        #expect(out.stderr.contains(corrupt.path) && out.stderr.contains("truncated varint"))
        let empty = try runDuet(["tokenize", "--model", dir.appendingPathComponent("nothing").path, "--text", "a"])
        #expect(empty.status != 0 && empty.stderr.contains("no tokenizer.json or tokenizer.model"))
    }
}
