import Foundation
import Sessions
import Testing

/// A batch comparison (Ctrl+O on F3) in the real binary: after the summary, each prompt's two
/// answers can be opened from the batch's prompt list, read with their stats, and voted on.
@Suite struct CompareBatchTmuxTests {
    @Test func eachPromptOfABatchOpensWithBothAnswersItsStatsAndAVote() throws {
        let home = duetHomeWithTinyModels()
        let prompts = home + "/prompts.txt"
        try "What is two plus three?\nName a colour.\nCount to three.\n".write(toFile: prompts, atomically: true, encoding: .utf8)
        let t = Tmux()
        t.start(duetCommand(home: home, arguments: "--max-tokens 8"), cols: 120, rows: 40)
        defer { t.stop() }
        t.waitFor("F5 Models")
        t.keys("F3")
        t.waitFor(all: [" A tiny-random-gemma2 (random weights) · decoder-only", " B tiny-random-t5gemma (random weights) · encoder-decoder"])
        t.keys("C-o")
        t.waitFor("Run a prompt set")
        t.keys(prompts, literal: true)
        t.keys("Enter")
        var s = t.waitFor(all: ["3 of 3 prompts compared", " Prompts ", "Name a colour.", "Count to three.", "What is two plus three?"])
        #expect(s.contains("A TOKENS  B TOKENS  ANSWERS  VOTE"))
        #expect(s.contains("Tab to read each prompt's two answers"))

        // Tab: the list takes the keys; the second prompt opens with both columns and their stats.
        t.keys("Tab")
        t.waitFor("Enter shows both answers")
        t.keys("Down")
        t.keys("Enter")
        s = t.waitFor(all: ["Prompt 2 of 3", " Name a colour.", " A tiny-random-gemma2 (random weights) · decoder-only",
                            " B tiny-random-t5gemma (random weights) · encoder-decoder", "Which answer is better?"])
        #expect(s.matches(of: try Regex("decode [0-9.]+ tok/s")).count == 2, "\(s)")
        #expect(s.contains("encode ") && s.contains("prefill "), "\(s)")
        #expect(!s.contains("3 of 3 prompts compared"))

        // The vote lands on that prompt's stored comparison, and nowhere else.
        t.keys("a")
        t.waitFor("You preferred tiny-random-gemma2 (random weights) (A)")
        let store = try DuetStore.open(path: home + "/duet.sqlite")
        var votes: [String: Vote?] = [:]
        for _ in 0..<300 {
            votes = Dictionary(uniqueKeysWithValues: try store.comparisons().map { ($0.prompt, $0.vote) })
            if votes["Name a colour."] != nil, votes["Name a colour."]! != nil { break }
            usleep(50_000)
        }
        #expect(votes == ["What is two plus three?": nil, "Name a colour.": .winner(position: 0), "Count to three.": nil])

        // n: the next prompt; Esc skips its vote, Esc again is the list, which shows the vote cast.
        t.keys("n")
        t.waitFor(all: ["Prompt 3 of 3", " Count to three.", "Which answer is better?"])
        t.keys("Escape")
        t.waitFor("Vote skipped")
        t.keys("Escape")
        s = t.waitFor(all: ["3 of 3 prompts compared", "A better", "Enter shows both answers"])
        let row = try #require(s.split(separator: "\n").first { $0.contains("Name a colour.") }, "\(s)")
        #expect(row.hasSuffix("A better"), "\(row)")
        // Tab again: back to the prompt input, which takes text.
        t.keys("Tab")
        t.waitFor("Tab to read each prompt's two answers")
        t.keys("another prompt", literal: true)
        #expect(t.waitFor("> another prompt").contains("> another prompt"))
    }
}
