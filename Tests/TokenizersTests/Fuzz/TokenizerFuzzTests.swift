import Foundation
import FuzzSupport
import Testing
@testable import Tokenizers

/// Mutation fuzzing of the tokenizer files: tokenizer.model (SentencePiece `ModelProto`, read by
/// `ProtobufReader`), tokenizer.json (through `JSONSerialization` and `JSONNode`) and
/// tokenizer_config.json. A tokenizer that loads is also used once (encode then decode a short text
/// with specials, spaces, digits and non-ASCII), since a file that loads but crashes on first use is
/// the same bug to a user.
@Suite struct TokenizerFuzzTests {
    static let probe = "Hello, wörld!  123\n<bos>\u{2581}é漢 <0x41>"

    static func exercise(_ tokenizer: any Tokenizer) {
        let ids = tokenizer.encode(probe, addBOS: true)
        _ = tokenizer.decode(ids)
        // Out-of-range ids must be skipped or rejected, not trap.
        _ = tokenizer.decode([-1, Int32.max, TokenID(tokenizer.vocabularySize)])
    }

    static let modelSeeds = [
        "Tests/Fixtures/tokenizers/features/spm-dummy-prefix.model", "Tests/Fixtures/tokenizers/features/spm-no-escape.model",
        "Tests/Fixtures/tokenizers/features/spm-suffix.model", "Tests/Fixtures/tokenizers/features/spm-unused.model",
    ].map(repositoryFile)

    /// ModelProto pieces and specs with lengths and values that lie.
    static let craftedModels: [[UInt8]] = [
        [], [0x0A], [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
        [0x0A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], [0x0B, 0x00], [0x0C], [0x08],
        [0x0A, 0x03, 0x18, 0xFF, 0x7F], [0x12, 0x02, 0x20, 0xFF],  // piece type 16383; truncated trainer varint
        // one NORMAL piece "a", a trainer spec with vocab_size -1 and model_type BPE, unk_id 2^31-1
        [0x0A, 0x03, 0x0A, 0x01, 0x61, 0x12, 0x0F, 0x18, 0x02, 0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
         0xC0, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x07],
    ]

    @Test func sentencePieceModelNeverCrashesHangsOrBalloons() {
        let report = fuzz("tokenizer.model", seeds: Self.modelSeeds, extra: Self.craftedModels, count: 3000,
                          style: .protobuf, dictionary: ["<unk>", "<0x41>", "<0xZZ>", "\u{2581}", "<s>", "</s>"]) { bytes in
            Self.exercise(try SentencePieceTokenizer(data: Data(bytes), source: "tokenizer.model"))
        }
        #expect(report.slowest < 1.0, "\(report)")
        #expect(report.peakGrowth < fuzzMemoryLimit, "\(report)")
        #expect(report.accepted > 50 && report.rejected > 1000, "\(report)")
    }

    static let jsonSeeds = [
        "Tests/Fixtures/tokenizers/features/bytelevel.json", "Tests/Fixtures/tokenizers/features/wordsplit.json",
        "Tests/Fixtures/tokenizers/duet-trained/tokenizer.json",
    ].map(repositoryFile)

    static let jsonDictionary = [
        "\"added_tokens\"", "\"id\"", "\"content\"", "\"special\"", "\"single_word\"", "\"lstrip\"", "\"rstrip\"",
        "\"normalized\"", "\"model\"", "\"vocab\"", "\"merges\"", "\"type\"", "\"BPE\"", "\"byte_fallback\"",
        "\"unk_token\"", "\"post_processor\"", "\"TemplateProcessing\"", "\"Sequence\"", "\"processors\"",
        "\"pre_tokenizer\"", "\"normalizer\"", "\"decoder\"", "\"ByteLevel\"", "\"Metaspace\"", "\"Split\"",
        "\"continuing_subword_prefix\"", "\"<0x41>\"", "2147483647", "2147483648", "-1", "8999999999999999",
        "1e309", "null", "[]", "{}", "true",
    ]

    /// Ids that do not fit a TokenID, or that would size the id table from a number rather than the file.
    static let craftedJSON: [[UInt8]] = [
        #"{"model":{"type":"BPE","vocab":{"a":0},"merges":[]},"added_tokens":[{"id":8999999999999999,"content":"x"}]}"#,
        #"{"model":{"type":"BPE","vocab":{"a":0},"merges":[]},"added_tokens":[{"id":-5,"content":"x"}]}"#,
        #"{"model":{"type":"BPE","vocab":{"a":2147483646},"merges":[]}}"#,
        #"{"model":{"type":"BPE","vocab":{"a":0}},"post_processor":{"type":"BertProcessing","cls":["a",4294967296],"sep":["a",0]}}"#,
        #"{"model":{"type":"BPE","vocab":{"a":0}},"post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"a"}}],"special_tokens":{"a":{"ids":[-2147483649]}}}}"#,
        String(repeating: "[", count: 100_000),
        #"{"model":{"type":"BPE","vocab":{"a":0}},"post_processor":"# + String(repeating: #"{"type":"Sequence","processors":["#, count: 3000),
    ].map { Array($0.utf8) }

    @Test func tokenizerJSONNeverCrashesHangsOrBalloons() {
        let report = fuzz("tokenizer.json", seeds: Self.jsonSeeds, extra: Self.craftedJSON, count: 1500, style: .json,
                          dictionary: Self.jsonDictionary) { bytes in
            Self.exercise(try HFTokenizer(data: Data(bytes), source: "tokenizer.json"))
        }
        #expect(report.slowest < 1.0, "\(report)")
        #expect(report.peakGrowth < fuzzMemoryLimit, "\(report)")
        #expect(report.accepted > 50 && report.rejected > 300, "\(report)")
    }

    @Test func tokenizerConfigNeverCrashesHangsOrBalloons() {
        let seeds = ["Tests/Fixtures/tokenizers/gemma-like/tokenizer_config.json",
                     "Tests/Fixtures/tokenizers/duet-trained/tokenizer_config.json",
                     "assets/models/duet-mini-it/tokenizer_config.json"].map(repositoryFile)
        let report = fuzz("tokenizer_config.json", seeds: seeds, count: 2000, style: .json,
                          dictionary: ["\"chat_template\"", "\"name\"", "\"template\"", "\"default\"", "\"add_bos_token\"",
                                       "\"bos_token\"", "\"content\"", "[]", "{}", "null", "1"]) { bytes in
            _ = try TokenizerConfig(data: Data(bytes), source: "tokenizer_config.json")
        }
        #expect(report.slowest < 1.0, "\(report)")
        #expect(report.peakGrowth < fuzzMemoryLimit, "\(report)")
        #expect(report.accepted > 50 && report.rejected > 500, "\(report)")
    }
}
