@testable import Synthetic
import Testing

/// What each check accepts and rejects.
@Suite struct TaskCheckerTests {
    func ok(_ reply: String, _ answer: String, _ check: CheckKind) -> Bool {
        TaskChecker.isCorrect(reply: reply, answer: answer, check: check)
    }

    @Test func exactIgnoresOnlySurroundingAndRepeatedWhitespace() {
        #expect(ok("edray oxfay", "edray oxfay", .exact))
        #expect(ok("  edray   oxfay\n", "edray oxfay", .exact))
        #expect(!ok("Edray oxfay", "edray oxfay", .exact))
        #expect(!ok("edray oxfay.", "edray oxfay", .exact))
        #expect(!ok("edrayoxfay", "edray oxfay", .exact))
        #expect(!ok("", "x", .exact))
        #expect(ok("The Red Fox", "The Red Fox", .exact))
        #expect(!ok("The red fox", "The Red Fox", .exact))
    }

    @Test func caselessIgnoresCaseArticlesAndFinalPunctuation() {
        #expect(ok("Koro", "Koro", .caseless))
        #expect(ok("koro.", "Koro", .caseless))
        #expect(ok("The lake.", "lake", .caseless))
        #expect(ok("a baker", "baker", .caseless))
        #expect(ok("\"Pim\"", "Pim", .caseless))
        #expect(ok("gray boat", "a gray boat", .caseless))
        #expect(!ok("Koro or Bramo", "Koro", .caseless))
        #expect(!ok("She lives in Koro.", "Koro", .caseless))
        #expect(!ok("", "Koro", .caseless))
        #expect(!ok("the", "lake", .caseless))
        #expect(ok("The", "the", .caseless))
    }

    @Test func numberTakesTheLastInteger() {
        #expect(ok("12", "12", .number))
        #expect(ok("12.", "12", .number))
        #expect(ok("The answer is 12.", "12", .number))
        #expect(ok("7 + 5 = 12", "12", .number))
        #expect(ok("-3", "-3", .number))
        #expect(ok("5-3 is 2", "2", .number))
        #expect(!ok("5-3", "-3", .number))
        #expect(!ok("12 or 13", "12", .number))
        #expect(!ok("twelve", "12", .number))
        #expect(!ok("", "0", .number))
        #expect(!ok("120", "12", .number))
        #expect(TaskChecker.lastInteger(in: "x1y22z") == 22)
        #expect(TaskChecker.lastInteger(in: "none") == nil)
    }

    @Test func listComparesItemsInOrderIgnoringCase() {
        #expect(ok("apple, fig, pear", "apple, fig, pear", .list))
        #expect(ok("apple,fig , pear.", "apple, fig, pear", .list))
        #expect(ok("Apple, Fig, Pear", "apple, fig, pear", .list))
        #expect(ok("apple fig pear", "apple, fig, pear", .list))
        #expect(ok("apple, fig and pear", "apple, fig, pear", .list))
        #expect(ok("apple, fig, and pear", "apple, fig, pear", .list))
        #expect(ok("apple fig and pear", "apple, fig, pear", .list))
        #expect(ok("3, 12, 45", "3, 12, 45", .list))
        #expect(!ok("apple, pear, fig", "apple, fig, pear", .list))
        #expect(!ok("apple, fig", "apple, fig, pear", .list))
        #expect(!ok("apple, fig, pear, pear", "apple, fig, pear", .list))
        #expect(!ok("", "apple", .list))
        #expect(TaskChecker.listItems(" a ,, b ") == ["a", "b"])
    }
}
