import ArgumentParser
import DuetCLI
import DuetCore
import Engine
import Foundation
import Tokenizers

/// `duet bench data`: how fast the training data pipeline tokenises a corpus, against the
/// tokenizer's own single-threaded `encode` of the same documents measured in the same run, how much
/// faster a second run is with the token cache, and how fast batches come out.
package struct BenchDataCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Measure corpus tokenisation (cold and cached) and batching of the training data pipeline.")

    package init() {}

    @OptionGroup var global: GlobalOptions
    @Option(help: "Tokenizer: a model directory or a tokenizer.json / tokenizer.model file.") var tokenizer: String
    @Option(help: "Size of the synthetic corpus in megabytes.") var megabytes = 10.0
    @Option(help: "Tokens per row for the batching measurement.") var sequenceLength = 512
    @Option(help: "Rows per batch for the batching measurement.") var batchSize = 8

    package func validate() throws {
        guard megabytes > 0 && megabytes <= 4096 else { throw ValidationError("--megabytes must be in (0, 4096]") }
    }

    package func run() throws {
        global.apply()
        let tok = try TokenizerLoader.load(file: URL(fileURLWithPath: tokenizer))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("duet-bench-data-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let documents = Self.corpus(bytes: Int(megabytes * 1_000_000))
        let file = directory.appendingPathComponent("corpus.jsonl")
        let lines = try documents.map { String(decoding: try JSONSerialization.data(withJSONObject: ["text": $0]), as: UTF8.self) }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        let textBytes = Double(documents.reduce(0) { $0 + $1.utf8.count })
        print("duet bench data: \(EngineThreads.count) threads, tokenizer \(tokenizer) (\(tok.vocabularySize) ids)")
        print(String(format: "corpus:    %.1f MB of text in %d JSONL documents", textBytes / 1e6, documents.count))

        var start = Date()
        var baselineTokens = 0
        for d in documents { baselineTokens += tok.encode(d, addBOS: false).count }
        let baseline = Date().timeIntervalSince(start)
        print(String(format: "baseline:  tokenizer.encode, one thread: %.2f s, %.2f MB/s, %.0f tokens/s",
                     baseline, textBytes / 1e6 / baseline, Double(baselineTokens) / baseline))

        let options = DataOptions(objective: .clm, batchSize: batchSize, sequenceLength: sequenceLength)
        start = Date()
        let cold = try TrainingData(path: file, tokenizer: tok, options: options)
        let coldSeconds = Date().timeIntervalSince(start)
        let tokens = cold.trainTokenCount + cold.validationTokenCount
        print(String(format: "cold:      read + parse + tokenise + write cache: %.2f s, %.2f MB/s, %.0f tokens/s  (%.2fx baseline)",
                     coldSeconds, textBytes / 1e6 / coldSeconds, Double(tokens) / coldSeconds, baseline / coldSeconds))
        if tokens != baselineTokens { print("warning: pipeline tokens \(tokens) != baseline tokens \(baselineTokens)") }

        start = Date()
        let warm = try TrainingData(path: file, tokenizer: tok, options: options)
        let warmSeconds = Date().timeIntervalSince(start)
        print(String(format: "cached:    reuse of the token cache: %.3f s  (%.1fx faster than cold)%@",
                     warmSeconds, coldSeconds / warmSeconds, warm.reusedCache ? "" : "  [cache NOT reused]"))

        var iterator = warm.batches()
        let count = 200
        var rowTokens = 0
        start = Date()
        for _ in 0..<count { rowTokens += iterator.next().targetTokenCount }
        let batchSeconds = Date().timeIntervalSince(start)
        print(String(format: "batches:   %d clm batches of %dx%d: %.0f batches/s, %.0f target tokens/s",
                     count, batchSize, sequenceLength, Double(count) / batchSeconds, Double(rowTokens) / batchSeconds))
    }

    /// Deterministic English-like documents of 1-4 KB totalling about `bytes`.
    static func corpus(bytes: Int) -> [String] {
        let words = ["the", "river", "runs", "quietly", "past", "old", "stone", "houses", "where", "children", "play",
                     "and", "birds", "sing", "in", "morning", "light", "while", "a", "fox", "watches", "from", "distant",
                     "hills", "nobody", "remembers", "when", "bridge", "was", "built", "but", "everyone", "crosses", "it",
                     "every", "day", "without", "thinking", "about", "water", "below", "numbers", "like", "1984", "or",
                     "3.14", "appear", "sometimes", "too", "café", "naïve", "übermäßig", "日本", "—", "quotes", "\"yes\""]
        var random = SeededGenerator(seed: 7)
        var documents: [String] = []
        var total = 0
        while total < bytes {
            let target = 1000 + Int(random.next() % 3000)
            var doc = ""
            var sentence = 0
            while doc.utf8.count < target {
                let n = 5 + Int(random.next() % 12)
                let s = (0..<n).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ")
                doc += s.prefix(1).uppercased() + s.dropFirst() + ". "
                sentence += 1
                if sentence % 6 == 0 { doc += "\n\n" }
            }
            total += doc.utf8.count
            documents.append(doc)
        }
        return documents
    }
}
