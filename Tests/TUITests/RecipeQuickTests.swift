import Foundation
import Testing

/// The one command that rebuilds the default models (`tools/recipe/default-models.sh`), end to end with
/// tiny budgets (`--quick`): every stage runs as a user would run it, both architectures are trained and
/// evaluated for both SFT seeds, and a second call resumes, skipping every finished stage.
@Suite struct RecipeQuickTests {
    @Test func theRecipeRunsEveryStageAndASecondCallSkipsThem() throws {
        let out = NSTemporaryDirectory() + "duet-recipe-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let script = repositoryRoot.appendingPathComponent("tools/recipe/default-models.sh").path
        // The data options too, so that a recipe passing an option `duet data synth` lacks fails here.
        let environment = ["DUET": productPath("duet"), "SHAPED_PERCENT": "20", "DRILL_PERCENT": "5", "DUET_HOME": out + "/home"]
        let first = spawnWait(["bash", script, out, "--quick"], environment: environment)
        try #require(first.status == 0, "\(first.stdout.suffix(3000))\n\(first.stderr.suffix(3000))")
        #expect(first.stdout.contains("blas core:"), "the log names the BLAS kernels")
        let eval = out + "/eval/"
        for seed in [1, 2] {
            for arch in ["dec", "encdec"] {
                for set in ["heldout", "robustness"] {
                    #expect(FileManager.default.fileExists(atPath: eval + "\(arch)-\(seed)-\(set).json"), "\(arch)-\(seed)-\(set)")
                }
            }
        }
        for file in ["diff-heldout.txt", "diff-robustness.txt", "bench-dec.txt", "bench-encdec.txt"] {
            #expect(FileManager.default.fileExists(atPath: eval + file), "\(file)")
        }
        let diff = try String(contentsOfFile: eval + "diff-heldout.txt", encoding: .utf8)
        #expect(diff.contains("encoder-decoder") && diff.contains("overall"), "\(diff)")
        let stats = try String(contentsOfFile: out + "/data/stats.json", encoding: .utf8)
        #expect(stats.contains("\"english_shaped_percent\": 20") && stats.contains("\"arithmetic_drill_percent\": 5"), "\(stats)")

        let second = spawnWait(["bash", script, out, "--quick"], environment: environment)
        try #require(second.status == 0, "\(second.stderr.suffix(3000))")
        #expect(second.stdout.contains("already done: \(out)/data/stats.json"), "\(second.stdout.prefix(2000))")
        // Pretraining, two PrefixLM runs, SFT of two architectures for two seeds: none trains again.
        let complete = second.stdout.components(separatedBy: "the run is complete").count - 1
        #expect(complete == 7, "\(complete) of 7 training stages found complete: \(second.stdout.suffix(3000))")
    }
}
