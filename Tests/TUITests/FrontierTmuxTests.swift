import Foundation
import Sessions
import Testing

/// The frontier view as a user reaches it: the bundled pair evaluated with `duet eval tasks` into the
/// same database, one comparison run on F3, then Alt+R.
@Suite struct FrontierTmuxTests {
    @Test func evaluatedModelsAppearOnTheFrontierAfterAComparison() throws {
        let home = temporaryDuetHome()
        for model in [BundledModelsTests.decoderOnly, BundledModelsTests.encoderDecoder] {
            let r = try runDuet(["eval", "tasks", "--model", model, "--eval", BundledModelsTests.heldOut, "--limit-per-task", "1",
                                 "--max-tokens", "16", "--threads", "2", "--db", home + "/duet.sqlite"])
            try #require(r.status == 0, "\(r.stderr)")
        }
        let t = BundledModelsTests.launch(home: home)
        defer { t.stop() }
        t.waitFor("Chatting with duet-mini-mini-it")
        t.keys("F3")
        t.waitFor("Prompt for both models")
        t.keys("What is 7 * 10?", literal: true)
        t.keys("Enter")
        t.waitFor("Which answer is better?")
        // The view reads the database once when it opens: wait until both answers' stats are stored.
        let store = try DuetStore.open(path: home + "/duet.sqlite")
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, (try? store.comparisons().first?.entries.allSatisfy { $0.stats != nil }) != true {
            usleep(50_000)
        }
        t.keys("M-r")
        // Both models have an accuracy and a decode speed (one generation each), so both are plotted.
        // Wait for both table rows whole: ncurses may paint the overlay in more than one write.
        func tableRows(_ screen: String) -> [Substring] {
            screen.split(separator: "\n").filter { $0.contains("  duet-mini-") && $0.contains("%") }
        }
        let screen = t.waitFor { screen in
            ["Quality and cost", "heldout-eval.jsonl", "ms/token", "FRONTIER"].allSatisfy(screen.contains)
                && tableRows(screen).count == 2 && tableRows(screen).allSatisfy { $0.contains("           1") }
                && screen.contains("yes")
        }
        let rows = tableRows(screen)
        #expect(rows.count == 2 && rows.allSatisfy { $0.contains("           1") }, "\(screen)")
        #expect(screen.contains(" A  duet-mini-it") && screen.contains(" B  duet-mini-mini-it"), "\(screen)")
        #expect(screen.contains("yes"), "\(screen)")
    }
}
