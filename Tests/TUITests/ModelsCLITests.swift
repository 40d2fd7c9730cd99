import Foundation
import Sessions
import Testing

/// `duet models`, `duet models demo` and the provenance that `duet init` / `duet adapt` leave beside weights.
@Suite struct ModelsCLITests {
    @Test func demoMakesTheRandomPairOnceAndListShowsIt() throws {
        let home = temporaryDuetHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let env = ["DUET_HOME": home, "DUET_ASSETS": home + "/no-assets"]
        let empty = try runDuet(["models"], environment: env)
        #expect(empty.status == 0 && empty.stdout.contains("No models in"))
        let made = try runDuet(["models", "demo", "--tokenizer", smallTokenizer.path], environment: env)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout == "wrote \(home)/models/tiny-random-gemma2 (random weights)\nwrote \(home)/models/tiny-random-t5gemma (random weights)\n")
        let again = try runDuet(["models", "demo", "--tokenizer", smallTokenizer.path], environment: env)
        #expect(again.stdout.hasPrefix("Models found (tiny-random-gemma2, tiny-random-t5gemma); nothing to do."))
        let list = try runDuet(["models"], environment: env)
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("tiny-random-gemma2 (random weights)") && lines[1].contains("decoder-only  139.8K  2 "))
        #expect(lines[2].hasPrefix("tiny-random-t5gemma (random weights)") && lines[2].contains("enc-dec"))
        let marker = try String(contentsOfFile: home + "/models/tiny-random-t5gemma/duet_model.json", encoding: .utf8)
        #expect(marker.contains("\"weights\" : \"random\""))
    }

    @Test func initAndAdaptRecordWhetherWeightsAreRandom() throws {
        let dir = TemporaryDirectory()
        #expect(try runDuet(["init", "--preset", "tiny", "--out", dir.file("g"), "--seed", "3"]).status == 0)
        let initMarker = try String(contentsOfFile: dir.file("g/duet_model.json"), encoding: .utf8)
        #expect(initMarker.contains("\"createdBy\" : \"duet init --preset tiny --seed 3\"") && initMarker.contains("\"random\""))
        #expect(try runDuet(["adapt", "--from", dir.file("g"), "--out", dir.file("t"), "--db", dir.file("runs.sqlite")]).status == 0)
        // `duet runs` lists the adaptation beside training runs.
        let store = try DuetStore.open(path: dir.file("runs.sqlite"))
        let adapt = try #require(try store.runs().first)
        #expect(adapt.kind == .adapt && adapt.status == .finished && adapt.outputDirectory == dir.file("t"))
        #expect(adapt.config["from"] == .string(dir.file("g")))
        let adaptMarker = try String(contentsOfFile: dir.file("t/duet_model.json"), encoding: .utf8)
        #expect(adaptMarker.contains("\"weights\" : \"random\"") && adaptMarker.contains("\"source\" : \"\(dir.file("g"))\""))
    }
}
