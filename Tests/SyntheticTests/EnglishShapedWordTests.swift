import Foundation
@testable import Synthetic
import Testing

/// English-shaped made-up words (`duet data synth --english-shaped-percent`): words of the generator's
/// split made of English spelling pieces, never a lexicon or robustness word; in training data only, so
/// the held-out set stays the same file.
@Suite struct EnglishShapedWordTests {
    @Test func wordsKeepToTheirSplitAndAreNeverALexiconOrRobustnessWord() {
        for split in DataSplit.allCases {
            var names = NameGenerator(split: split)
            var rng = SynthRandom(seed: 3)
            var distinct = Set<String>()
            for _ in 0..<2000 {
                let word = names.englishShapedWord(&rng)
                distinct.insert(word)
                #expect((3...11).contains(word.count) && word.allSatisfy { $0.isLowercase && $0.isASCII }, "\(word)")
                #expect(DataSplit.of(name: word.capitalizedFirst) == split, "\(word)")
                #expect(!Lexicon.allWords.contains(word) && !RobustWords.all.contains(word), "\(word)")
            }
            #expect(distinct.count > 1500, "only \(distinct.count) distinct words of 2000")
        }
    }

    /// The point of the words: the pieces English words are made of, which independent letters and
    /// consonant-vowel words rarely form.
    @Test func wordsHoldEnglishSpellingPieces() {
        var names = NameGenerator(split: .train)
        var rng = SynthRandom(seed: 4)
        let words = (0..<1000).map { _ in names.englishShapedWord(&rng) }
        for piece in ["ch", "sh", "th", "st", "ent", "ion", "oo", "ea", "ck", "qu"] {
            #expect(words.contains { $0.contains(piece) }, "no word holds \(piece)")
        }
        let clusters = words.filter { word in ["ch", "sh", "th", "st", "ck", "nt", "nd", "ng"].contains { word.contains($0) } }
        #expect(clusters.count > 300, "\(clusters.count) of 1000 hold a consonant cluster")
    }

    @Test func trainingDataGetsThemAndTheHeldOutSetStaysTheSame() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("duet-shaped-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let plain = root.appendingPathComponent("plain"), shaped = root.appendingPathComponent("shaped")
        var options = SynthOptions(sizeMB: 0.3, seed: 5, evalPerTask: 10)
        _ = try SyntheticDataset.write(to: plain, options: options)
        options.englishShapedPercent = 40
        _ = try SyntheticDataset.write(to: shaped, options: options)
        func read(_ directory: URL, _ name: String) throws -> String {
            try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        }
        #expect(try read(plain, "eval.jsonl") == read(shaped, "eval.jsonl"))
        #expect(try read(plain, "sft.jsonl") != read(shaped, "sft.jsonl"))
        // Words of the SFT replies that hold an English spelling piece no name or consonant-vowel word has
        // (and no lexicon word): many more with the option.
        func piecesInReplies(_ directory: URL) throws -> Int {
            var count = 0
            for line in try read(directory, "sft.jsonl").split(separator: "\n") {
                let chat = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let messages = try #require(chat["messages"] as? [[String: String]])
                for message in messages where message["role"] != "user" {
                    count += (message["content"] ?? "").lowercased().split(whereSeparator: { !$0.isLetter })
                        .filter { word in !Lexicon.allWords.contains(String(word))
                            && ["ch", "ck", "qu", "ion", "oo", "ea", "ou", "ee", "nt", "sk"].contains { word.contains($0) } }.count
                }
            }
            return count
        }
        let withOption = try piecesInReplies(shaped), without = try piecesInReplies(plain)
        #expect(withOption > without * 3, "\(withOption) reply words with English pieces, \(without) without the option")
    }

    @Test func thePercentageIsChecked() {
        var options = SynthOptions(sizeMB: 1, seed: 1)
        options.englishShapedPercent = -1
        #expect(throws: SynthError.invalidOption(field: "english-shaped-percent", reason: "must be in 0...100")) {
            try options.validate()
        }
    }
}
