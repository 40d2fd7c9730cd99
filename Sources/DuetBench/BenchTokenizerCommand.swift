import ArgumentParser
import DuetCLI
import Engine
import Foundation
import Tokenizers

/// `duet bench tokenizer`: BPE training throughput and encoding throughput, with the heap encoder's
/// speed-up over the textbook O(n²) merge loop measured on the same input in the same run.
package struct BenchTokenizerCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "tokenizer",
        abstract: "Measure BPE training (MB/s) and encoding (tokens/s) speed, and the heap encoder against an O(n²) baseline.")

    package init() {}

    @Option(name: .long, help: "Training text (.txt/.jsonl file or directory); default: synthetic multilingual text.")
    var data: String?

    @Option(name: .long, help: "Megabytes of synthetic text when --data is not given.")
    var megabytes = 10.0

    @Option(name: .long, help: "Vocabulary size to train.")
    var vocabSize = 8192

    @Option(name: .long, help: "Also measure encoding with this tokenizer (tokenizer.json or tokenizer.model).")
    var tokenizer: String?

    @OptionGroup var global: GlobalOptions

    package func run() throws {
        global.apply()
        let texts: [String]
        if let data {
            texts = try TrainingCorpus.files(at: URL(fileURLWithPath: data)).flatMap { try TrainingCorpus.texts(in: $0) }
        } else {
            var generator = SyntheticText(seed: 42)
            texts = generator.text(bytes: Int(megabytes * 1_000_000))
        }
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        let megabytesRead = Double(bytes) / 1e6
        print("corpus: \(String(format: "%.2f", megabytesRead)) MB in \(texts.count) texts\n")

        let trainer = BPETrainer(options: .init(vocabularySize: vocabSize, unusedTokens: 100))
        let (trained, trainSeconds) = try timed { try trainer.train(texts: texts) }
        print("train   vocab \(trained.tokens.count), \(trained.merges.count) merges: \(format(trainSeconds)) s, "
              + "\(String(format: "%.2f", megabytesRead / trainSeconds)) MB/s (budget 60 s for 10 MB: "
              + "\(String(format: "%.2f", trainSeconds / 60 * 10 / megabytesRead))x of budget)")

        var tokenizers: [(String, any Tokenizers.Tokenizer)] = [("trained tokenizer.json", try trained.makeTokenizer())]
        if let tokenizer { tokenizers.append((tokenizer, try TokenizerLoader.load(file: URL(fileURLWithPath: tokenizer)))) }
        for (name, tok) in tokenizers {
            print("\nencode with \(name):")
            let (count, seconds) = timed { texts.reduce(0) { $0 + tok.encode($1, addBOS: true).count } }
            print("  per text     \(count) tokens in \(format(seconds)) s: \(Int(Double(count) / seconds)) tokens/s, "
                  + "\(String(format: "%.2f", megabytesRead / seconds)) MB/s")
            // One long text: BPE runs over the whole of it (no pre-tokenizer splits), so the cost per
            // byte across lengths shows how the merge loop scales (n log n: slow growth; n²: 4x per 4x).
            let joined = texts.joined(separator: "\n")
            var line = "  one text    "
            var previous: Double? = nil
            for size in [16, 64, 256, 1024] {
                let chunk = String(decoding: joined.utf8.prefix(size * 1024), as: UTF8.self)
                let (_, seconds) = timed { tok.encode(chunk, addBOS: false) }
                let perByte = seconds / Double(chunk.utf8.count) * 1e9
                line += " \(size) KB: \(String(format: "%.0f", perByte)) ns/byte"
                if let previous { line += " (\(String(format: "%.2f", perByte / previous))x)" }
                previous = perByte
            }
            print(line)
        }

        let hf = try trained.makeTokenizer()
        let sample = String(texts.joined(separator: "\n").utf8.prefix(8 * 1024))!
        let (fast, fastSeconds) = timed { (0..<10).map { _ in hf.encode(sample, addBOS: false) }.last! }
        let (slow, slowSeconds) = timed { hf.encodeWithQuadraticReference(sample, addBOS: false) }
        print("\nbaseline: 8 KB as one text, heap merges \(format(fastSeconds / 10)) s vs O(n²) rescans \(format(slowSeconds)) s: "
              + "\(String(format: "%.1f", slowSeconds / (fastSeconds / 10)))x faster, ids \(fast == slow ? "identical" : "DIFFER")")
    }

    private func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let value = try body()
        return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    private func format(_ seconds: Double) -> String { String(format: seconds < 0.1 ? "%.4f" : "%.2f", seconds) }
}
