import Foundation
import FuzzSupport
@testable import Synthetic
import Testing
@testable import Engine
@testable import Tokenizers

/// Mutation fuzzing of the JSONL readers: training records (`JSONLRecords`, both the text and the
/// conversation shapes), held-out eval files (`EvalItem`) and tokenizer training text
/// (`TrainingCorpus`). Seeds: the first lines of the bundled held-out set, plus text, messages and
/// prompt/response records.
@Suite struct JSONLFuzzTests {
    static let seeds: [[UInt8]] = {
        let heldOut = repositoryFile("assets/models/heldout-eval.jsonl")
        // The first dozen lines keep each parse fast; the full file is 87 KB.
        let lines = heldOut.split(separator: 0x0A, omittingEmptySubsequences: false).prefix(12)
        let eval = Array(lines.joined(separator: [0x0A]))
        let text = #"""
        {"text": "Once upon a time, a fox."}

        {"text": "Line two \u00e9\ud83d\ude00 with escapes\n", "extra": [1, 2.5, null]}
        """#
        let chat = #"""
        {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
        {"prompt": "2+2?", "response": "4", "system": "math"}
        {"messages": [{"role": "user", "content": "Q"}, {"role": "model", "content": "A"}]}
        """#
        return [eval, Array(text.utf8), Array(chat.utf8), [0xEF, 0xBB, 0xBF] + Array(text.utf8)]
    }()

    static let dictionary = ["\"text\"", "\"messages\"", "\"role\"", "\"content\"", "\"prompt\"", "\"response\"",
                             "\"system\"", "\"user\"", "\"model\"", "\"assistant\"", "\"task\"", "\"answer\"",
                             "\"check\"", "\"number\"", "\"list\"", "\n", "\r\n", "{}", "[]", "null"]

    static let crafted: [[UInt8]] = [
        [], [0x0A], [0xEF, 0xBB], [0xEF, 0xBB, 0xBF], Array(String(repeating: "\n", count: 10_000).utf8),
        Array((String(repeating: "[", count: 100_000) + "\n{\"text\":\"a\"}").utf8),
        Array(("{\"text\":\"" + String(repeating: "\\ud83d", count: 50_000) + "\"}").utf8),
    ]

    @Test func jsonlRecordsNeverCrashHangOrBalloon() {
        var conversations = 0
        let report = fuzz("jsonl", seeds: Self.seeds, extra: Self.crafted, count: 3000, style: .json,
                          dictionary: Self.dictionary) { bytes in
            // Each mutant goes through both record shapes; it counts as accepted when either reads it.
            let asText = Result { try JSONLRecords.records(in: bytes, file: "data.jsonl", conversations: false) }
            let asChat = Result { try JSONLRecords.records(in: bytes, file: "data.jsonl", conversations: true) }
            if case let .success(records) = asChat {
                conversations += 1
                // Line numbers are 1-based, increasing, and within the text.
                let lines = bytes.filter { $0 == 0x0A }.count + 1
                #expect(records.allSatisfy { $0.line >= 1 && $0.line <= lines })
            }
            if case .failure = asText, case let .failure(error) = asChat { throw error }
        }
        #expect(report.slowest < 1.0, "\(report)")
        #expect(report.peakGrowth < fuzzMemoryLimit, "\(report)")
        #expect(report.accepted > 200 && report.rejected > 1000 && conversations > 50, "\(report)")
    }

    @Test func evalFilesNeverCrashHangOrBalloon() {
        let report = fuzz("eval.jsonl", seeds: [Self.seeds[0]], extra: Self.crafted, count: 2000, style: .json,
                          dictionary: Self.dictionary) { bytes in
            let items = try EvalItem.items(in: Data(bytes), file: "eval.jsonl")
            // What reads back must write out as lines that read back the same.
            for item in items { #expect(try EvalItem(jsonLine: item.jsonLine, file: "again", line: 1) == item) }
        }
        #expect(report.slowest < 1.0, "\(report)")
        #expect(report.peakGrowth < fuzzMemoryLimit, "\(report)")
        #expect(report.accepted > 100 && report.rejected > 500, "\(report)")
    }

    @Test func tokenizerCorpusNeverCrashesHangsOrBalloons() {
        let report = fuzz("corpus.jsonl", seeds: [Self.seeds[1], Self.seeds[3]], extra: Self.crafted, count: 2000,
                          style: .json, dictionary: Self.dictionary) { bytes in
            _ = try TrainingCorpus.texts(in: Data(bytes), file: "corpus.jsonl", jsonl: true)
        }
        #expect(report.slowest < 1.0, "\(report)")
        #expect(report.peakGrowth < fuzzMemoryLimit, "\(report)")
        #expect(report.accepted > 100 && report.rejected > 500, "\(report)")
    }
}
