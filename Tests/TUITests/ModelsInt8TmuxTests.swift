import Foundation
import Testing

/// The Models screen's int8 choice (F5, `q`): the selected model is loaded again with int8 weights,
/// the list says so, and it still answers in the chat; `q` again goes back to the stored dtype.
@Suite struct ModelsInt8TmuxTests {
    @Test func qLoadsTheChatModelAsInt8AndItStillAnswers() throws {
        let t = BundledModelsTests.launch()
        defer { t.stop() }
        t.waitFor("Chatting with duet-mini-mini-it")
        t.keys("F5")
        // The chat model (marked C) is selected first; wait until it has loaded, then switch it to int8.
        // Its list row ("CB duet-mini-mini-it  enc-dec ... bf16 ... loaded": chat and compare B).
        let row = { (s: String) in s.split(separator: "\n").first { $0.contains("duet-mini-mini-it ") && $0.contains("enc-dec") }.map(String.init) ?? "" }
        var screen = t.waitFor { row($0).hasSuffix("loaded") }
        #expect(row(screen).contains("bf16"), "\(screen)")
        // The details below the list name the selected model; select the chat model.
        if !screen.contains(" duet-mini-mini-it found in") {
            t.keys("Down")
            t.waitFor(" duet-mini-mini-it found in")
        }
        t.keys("q")
        screen = t.waitFor(all: ["duet-mini-mini-it: weights held as int8", "weights held as int8 in memory"])
        screen = t.waitFor { row($0).contains("int8") && row($0).contains("loaded") }
        t.keys("F2")
        t.waitFor("Chatting with duet-mini-mini-it")
        #expect(BundledModelsTests.ask(t, "What is 7 * 10?") == "▌ 70", "\(t.screen())")
        // Back to the file's dtype.
        t.keys("F5")
        t.waitFor { row($0).contains("int8") }
        t.keys("q")
        screen = t.waitFor { row($0).contains("bf16") && row($0).contains("loaded") }
        #expect(!screen.contains("weights held as int8 in memory"))
    }
}
