import ArgumentParser
import Foundation
@_spi(Benchmarks) import Sessions

/// `duet bench sessions`: metrics insert throughput and full-text search time on a fresh database,
/// each against a baseline measured in the same run.
package struct SessionsBenchCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "Measure metrics insert throughput and FTS search time on a temporary database.")

    package init() {}

    @Option(help: "Metric rows for the batched measurements.") var metricRows = 200_000
    @Option(help: "Metric rows for the one-transaction-per-row baseline.") var baselineRows = 500
    @Option(help: "Messages to index for the search measurement.") var messages = 100_000
    @Option(help: "Timed repetitions of each query (the median is reported).") var repetitions = 20
    @Option(help: "Directory for the temporary database (default: the system temporary directory).") var directory: String?
    @Flag(help: "Keep the database afterwards (to inspect it).") var keep = false

    package func run() throws {
        let base = directory ?? NSTemporaryDirectory()
        let dir = (base as NSString).appendingPathComponent("duet-bench-\(getpid())")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(atPath: dir) } }
        let store = try DuetStore.open(path: (dir as NSString).appendingPathComponent("bench.sqlite"))
        print("duet bench sessions: database in \(dir) (WAL, synchronous=FULL)")
        try benchMetrics(store)
        try benchSearch(store)
    }

    // MARK: - Metrics

    func benchMetrics(_ store: DuetStore) throws {
        let run = try store.createRun(kind: .pretrain, config: ["bench": true])
        func rows(_ steps: Range<Int>, name: String) -> [Metric] {
            steps.map { Metric(runId: run.id, step: Int64($0), name: name, value: 1 / Double($0 + 1)) }
        }
        print("\nmetrics insert")
        let baselineRows = rows(0..<baselineRows, name: "baseline")
        let baseline = try measure {
            for metric in baselineRows { try store.insertMetrics([metric]) }
        }
        let baselineRate = Double(baselineRows.count) / baseline
        report("one transaction per row (baseline)", rows: baselineRows.count, seconds: baseline, baseline: baselineRate)

        let batchedRows = rows(0..<metricRows, name: "batched")
        let batched = try measure {
            var start = 0
            while start < batchedRows.count {
                let end = min(start + 1000, batchedRows.count)
                try store.insertMetrics(batchedRows[start..<end])
                start = end
            }
        }
        report("insertMetrics, 1000-row transactions", rows: batchedRows.count, seconds: batched, baseline: baselineRate)

        let writer = try store.metricsWriter(runId: run.id)
        let writerSeconds = try measure {
            for step in 0..<metricRows { writer.log(step: Int64(step), name: "writer", value: 1 / Double(step + 1)) }
            try writer.close()
        }
        report("MetricsWriter (batch \(writer.batchSize), \(Int(writer.maxDelay * 1000)) ms)", rows: writer.committedCount,
               seconds: writerSeconds, baseline: baselineRate)
    }

    func report(_ label: String, rows: Int, seconds: Double, baseline: Double) {
        let rate = Double(rows) / seconds
        let ratio = rate / baseline
        print("  \(label.padding(toLength: 44, withPad: " ", startingAt: 0)) \(pad(rows, 8)) rows  \(pad(Int(rate), 9)) rows/s  \(String(format: "%7.1fx", ratio))")
    }

    // MARK: - Search

    func benchSearch(_ store: DuetStore) throws {
        var text = ZipfText(seed: 42)
        let perSession = 100
        let sessions = max(1, messages / perSession)
        print("\nfull-text search")
        let importSeconds = try measure {
            for s in 0..<sessions {
                let drafts = (0..<perSession).map { m -> MessageDraft in
                    let index = s * perSession + m
                    // A rare marker in 10 messages in all, spread over the corpus.
                    let marker = index % (messages / 10) == 7 ? " zyzzyva" : ""
                    return MessageDraft(m % 2 == 0 ? .user : .assistant, text.message() + marker)
                }
                // Titles stay out of the message vocabulary: title hits come first and would fill the limit.
                try store.importConversation(title: "bench chat \(s)", messages: drafts)
            }
        }
        let total = sessions * perSession
        print("  indexed \(total) messages in \(sessions) sessions: \(String(format: "%.1f", importSeconds)) s, \(Int(Double(total) / importSeconds)) messages/s")

        let common = ZipfText.word(rank: 0), medium = ZipfText.word(rank: 200), other = ZipfText.word(rank: 60)
        let queries: [(label: String, fts: String, like: [String])] = [
            ("rare word (10 messages)", "zyzzyva", ["zyzzyva"]),
            ("medium word (rank 200)", medium, [medium]),
            ("common word (rank 0)", common, [common]),
            ("two words, both required", "\(medium) \(other)", [medium, other]),
            ("prefix", String(medium.prefix(4)) + "*", [String(medium.prefix(4))]),
        ]
        print("  median of \(repetitions) runs, limit 50; FTS5 ranked (bm25) and newest-first;")
        print("  baseline: newest-first LIKE '%word%' scan of the same table (what a store without an index does)")
        print("  \("query".padding(toLength: 28, withPad: " ", startingAt: 0)) \(pad("hits", 5))  \(pad("ranked ms", 9))  \(pad("newest ms", 9))  \(pad("LIKE ms", 9))  LIKE/newest")
        for query in queries {
            var hits = 0
            let ranked = try median { hits = try store.search(query.fts, limit: 50, order: .relevance).count }
            let newest = try median { _ = try store.search(query.fts, limit: 50, order: .recency) }
            let like = try median { _ = try store.substringSearch(allOf: query.like, limit: 50) }
            print("  \(query.label.padding(toLength: 28, withPad: " ", startingAt: 0)) \(pad(hits, 5))  \(ms(ranked))  \(ms(newest))  \(ms(like))  \(String(format: "%10.1fx", like / newest))")
        }
    }

    func ms(_ seconds: Double) -> String { String(format: "%9.2f", seconds * 1000) }

    // MARK: - Timing

    func measure(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    func median(_ body: () throws -> Void) throws -> Double {
        try body()  // warm the page cache
        var times: [Double] = []
        for _ in 0..<repetitions { times.append(try measure(body)) }
        return times.sorted()[times.count / 2]
    }

    func pad(_ value: CustomStringConvertible, _ width: Int) -> String {
        let text = value.description
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

/// Deterministic pseudo-English: words of a 20,000-word vocabulary drawn with a Zipf-like law
/// (rank r with probability ~ 1/(r+1)), as in natural text.
struct ZipfText {
    private var state: UInt64
    static let vocabularySize = 20_000
    private static let syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "vo", "pe", "da", "xi", "ru", "zo", "fe", "gu", "ba"]

    init(seed: UInt64) { state = seed }

    /// The word of a vocabulary rank (0 = most frequent).
    static func word(rank: Int) -> String {
        var n = rank, word = ""
        repeat {
            word += syllables[n % syllables.count]
            n /= syllables.count
        } while n > 0
        return word + (rank % 3 == 0 ? "s" : "")
    }

    /// SplitMix64.
    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func words(_ count: Int) -> String {
        (0..<count).map { _ in
            // Log-uniform rank: P(rank) ~ 1/(rank+1).
            let rank = Int(pow(Double(Self.vocabularySize + 1), uniform())) - 1
            return Self.word(rank: min(rank, Self.vocabularySize - 1))
        }.joined(separator: " ")
    }

    /// A message of 20 to 120 words.
    mutating func message() -> String { words(20 + Int(next() % 101)) }
}
