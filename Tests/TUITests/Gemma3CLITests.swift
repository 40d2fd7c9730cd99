import DuetCore
import Engine
import Foundation
import Testing

/// A Gemma 3 text model through the commands a user runs: init, inspect, train, convert, generate,
/// and the same weights answering through the bf16 copy.
@Suite struct Gemma3CLITests {
    @Test func initTrainConvertAndGenerateAGemma3Model() throws {
        let dir = TemporaryDirectory()
        let model = dir.file("model"), converted = dir.file("bf16"), run = dir.file("run")
        let made = try runDuet(["init", "--arch", "gemma3", "--preset", "tiny", "--tokenizer", gemmaLikeTokenizer,
                                "--dtype", "f32", "--seed", "5", "--out", model])
        try #require(made.status == 0, "\(made.stderr)")
        let inspected = try runDuet(["inspect", model])
        #expect(inspected.stdout.contains("Gemma3ForCausalLM (model_type gemma3_text)"), "\(inspected.stdout)")
        #expect(inspected.stdout.contains("rope theta 1000000 (full), 10000 (sliding); q/k norms"), "\(inspected.stdout)")
        #expect(inspected.stdout.contains("weights         match config.json"), "\(inspected.stdout)")

        var words = TrainFixtures.WordSalad(seed: 11)
        let corpus = dir.file("corpus.txt")
        try (0..<200).map { _ in words.words(12) }.joined(separator: "\n").write(toFile: corpus, atomically: true, encoding: .utf8)
        let trained = try runDuet(["train", "--db", dir.file("runs.sqlite"), "--model", model, "--objective", "clm", "--data", corpus,
                                   "--steps", "12", "--batch", "2", "--seq-len", "32", "--lr", "1e-2", "--out", run, "--threads", "1"])
        try #require(trained.status == 0, "\(trained.stderr)")
        // The q/k norm weights learn (they start at 0, the identity scale).
        let checkpoint = run + "/" + (try String(contentsOfFile: run + "/latest", encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)
        let loaded = try ModelLoader.load(directory: URL(fileURLWithPath: checkpoint))
        let gemma = try #require(loaded.model as? Gemma2Model)
        #expect(gemma.config.gemma3 != nil)
        #expect(gemma.parameters["model.layers.0.self_attn.q_norm.weight"].toArray().contains { $0 != 0 })

        let convert = try runDuet(["convert", checkpoint, converted, "--dtype", "bf16"])
        try #require(convert.status == 0, "\(convert.stderr)")
        let config = try ModelConfigFile.load(directory: URL(fileURLWithPath: converted))
        #expect(config.modelType == "gemma3_text")
        let generated = try runDuet(["generate", "--model", converted, "--prompt-ids", "2,40,41,42", "--max-tokens", "6",
                                     "--ignore-eos", "--json"])
        try #require(generated.status == 0, "\(generated.stderr)")
        let result = try JSONParser.parse(Array(generated.stdout.utf8))
        guard case let .array(ids)? = result["ids"] else { Issue.record("no ids: \(generated.stdout)"); return }
        #expect(ids.count == 6)
    }
}
