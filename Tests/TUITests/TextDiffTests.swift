import Testing
@testable import TUI

@Suite struct TextDiffTests {
    @Test func tokensKeepEveryCharacter() {
        for text in ["", "  lead", "one two  three\n", "a\tb\n\nc ", "你好 世界 👍"] {
            #expect(TextDiff.tokens(text).joined() == text)
        }
        #expect(TextDiff.tokens("one two  three").map(String.init) == ["one ", "two  ", "three"])
        #expect(TextDiff.tokens("  lead x").map(String.init) == ["  ", "lead ", "x"])
    }

    @Test func wordDiffFindsTheChangedWords() {
        let d = TextDiff.words("the quick brown fox jumps", "the slow brown fox leaps high")
        #expect(d.runs == [.same("the "), .removed("quick "), .added("slow "), .same("brown fox "), .removed("jumps"), .added("leaps high")])
        #expect(d.removedWords == 2 && d.addedWords == 3)
        #expect(!d.identical && !d.isApproximate)
        #expect(TextDiff.words("same text", "same text").identical)
        // Each side's text comes back from its runs.
        func side(_ d: TextDiff.Result, _ keepRemoved: Bool) -> String {
            d.runs.map { run -> String in
                switch run {
                case .same(let t): return t
                case .removed(let t): return keepRemoved ? t : ""
                case .added(let t): return keepRemoved ? "" : t
                }
            }.joined()
        }
        #expect(side(d, true) == "the quick brown fox jumps")
        #expect(side(d, false) == "the slow brown fox leaps high")
    }

    @Test func longDifferentMiddlesAreReplacedWholeWithinBudget() {
        let a = "start " + (0..<300).map { "a\($0)" }.joined(separator: " ") + " end"
        let b = "start " + (0..<300).map { "b\($0)" }.joined(separator: " ") + " end"
        let d = TextDiff.words(a, b, cellBudget: 1000)
        #expect(d.isApproximate)
        #expect(d.runs.first == .same("start "))
        #expect(d.runs.last == .same(" end") || d.runs.last == .same("end"))
        #expect(d.removedWords == 300 && d.addedWords == 300)
    }

    @Test func differenceHeaderCountsWordsInTheRightNumber() {
        func header(_ a: String, _ b: String, side: Int) -> String {
            CompareScreen.differenceLines(TextDiff.words(a, b), side: side)[0].plainText
        }
        #expect(header("the quick fox", "the slow fox", side: 0) == "1 word only here")
        #expect(header("the quick fox", "the very slow fox", side: 1) == "2 words only here")
        #expect(header("the fox", "the quick fox", side: 0) == "0 words only here")
    }
}
