import Foundation
import Sessions
import Testing

/// A model added by path on the Models screen (F5, `i`) is remembered: listed after a restart and by
/// `duet models`, shown as missing once its folder is gone, and taken off the list with `d`.
@Suite struct AddedModelsTmuxTests {
    func launch(_ home: String) -> Tmux {
        let t = Tmux()
        t.start(duetCommand(home: home), cols: 120, rows: 30)
        t.waitFor("F5 Models")
        return t
    }

    func quit(_ t: Tmux) {
        t.keys("C-q")
        #expect(t.waitFor("DUET-EXIT=").contains("DUET-EXIT=0"))
        t.stop()
    }

    /// Polls the database (written on the UI's database queue) until `paths` are the added ones.
    func waitForAdded(_ paths: [String], home: String) throws -> Bool {
        let store = try DuetStore.open(path: home + "/duet.sqlite")
        for _ in 0..<300 {
            if try store.addedModelDirectories().map(\.path) == paths { return true }
            usleep(50_000)
        }
        return false
    }

    @Test func anAddedModelSurvivesRestartsShowsAsMissingWhenGoneAndCanBeRemoved() throws {
        let home = temporaryDuetHome()
        let elsewhere = TemporaryDirectory()
        let model = elsewhere.file("my-added-model")
        try FileManager.default.copyItem(atPath: TinyModelPair.decoderOnly.path, toPath: model)
        let env = ["DUET_HOME": home]

        var t = launch(home)
        t.keys("F5")
        t.waitFor("The models folder does not exist yet.")
        t.keys("i")
        t.waitFor("Add a model directory")
        t.keys(model, literal: true)
        t.keys("Enter")
        var s = t.waitFor(all: ["my-added-model", "found in added: \(model)"])
        #expect(s.contains("decoder-only"))
        #expect(try waitForAdded([model], home: home))
        quit(t)

        // `duet models` lists it beside what it finds on disk (here nothing else).
        var listed = try runDuet(["models"], environment: env)
        #expect(listed.status == 0, "\(listed.stderr)")
        let row = try #require(listed.stdout.split(separator: "\n").first { $0.hasPrefix("my-added-model") }, "\(listed.stdout)")
        #expect(row.contains("decoder-only") && row.contains("  added  ") && row.hasSuffix(model))

        // After a restart it is listed again (and, being the only model, picked for chat).
        t = launch(home)
        #expect(t.waitFor("Chatting with my-added-model").contains("Chatting with my-added-model (random weights)."))
        t.keys("F5")
        s = t.waitFor(all: ["my-added-model", "found in added: \(model)"])
        #expect(s.contains("found in added: \(model)"))
        quit(t)

        // Its folder moves away: it is shown as missing, not dropped, in the UI and by `duet models`.
        try FileManager.default.moveItem(atPath: model, toPath: model + "-moved")
        listed = try runDuet(["models"], environment: env)
        let missingRow = try #require(listed.stdout.split(separator: "\n").first { $0.hasPrefix("my-added-model") }, "\(listed.stdout)")
        #expect(missingRow.contains("missing") && missingRow.hasSuffix(model))
        t = launch(home)
        t.keys("F5")
        // Wait for the row and its detail pane together (the pane can come a frame later).
        s = t.waitFor(all: ["my-added-model", "missing: no model at this path any more (d removes it)", "holds no model any more"])
        #expect(s.contains("holds no model any more"))
        t.keys("d")
        t.waitFor(all: ["Removed \(model) from the list", "The models folder does not exist yet."])
        #expect(try waitForAdded([], home: home))
        quit(t)
        listed = try runDuet(["models"], environment: env)
        #expect(listed.stdout.contains("No models in") && !listed.stdout.contains("my-added-model"), "\(listed.stdout)")
    }
}
