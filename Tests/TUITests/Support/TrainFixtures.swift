import Foundation
import Testing

/// The gemma-like fixture tokenizer (Tests/Fixtures/tokenizers/gemma-like).
let gemmaLikeTokenizer = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/tokenizers/gemma-like").path

/// What the training CLI and dashboard tests train: a tiny model from the real `duet init`, and
/// deterministic word salad for corpora.
enum TrainFixtures {
    /// `duet init --preset tiny` with the gemma-like tokenizer into `dir/model` (f32, seed 3).
    static func initTinyModel(in dir: TemporaryDirectory) throws {
        let initialised = try runDuet(["init", "--preset", "tiny", "--tokenizer", gemmaLikeTokenizer, "--out", dir.file("model"),
                                       "--dtype", "f32", "--seed", "3"])
        try #require(initialised.status == 0, "\(initialised.stderr)")
    }

    /// Words drawn with a 64-bit LCG from a small vocabulary: the same seed gives the same text.
    struct WordSalad {
        static let words = ["the", "river", "runs", "quietly", "past", "old", "stone", "houses", "where", "children", "play",
                            "and", "birds", "sing", "in", "morning", "light", "while", "a", "fox", "watches", "from", "hills"]
        private var state: UInt64

        init(seed: UInt64) { state = seed }

        /// A number in 0..<n.
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }

        /// `count` words separated by spaces.
        mutating func words(_ count: Int) -> String {
            (0..<count).map { _ in Self.words[next(Self.words.count)] }.joined(separator: " ")
        }
    }
}
