import DuetCore
import Engine
import Foundation
import Testing

/// A T5Gemma 2 model through the commands a user runs: init, inspect, train (PrefixLM, UL2, SFT), convert,
/// generate, score and encode on the trained bf16 copy.
@Suite struct T5Gemma2CLITests {
    @Test func initTrainConvertAndGenerateAT5Gemma2Model() throws {
        let dir = TemporaryDirectory()
        let model = dir.file("model"), converted = dir.file("bf16")
        let made = try runDuet(["init", "--arch", "t5gemma2", "--preset", "tiny-tiny", "--tokenizer", gemmaLikeTokenizer,
                                "--dtype", "f32", "--seed", "5", "--out", model])
        try #require(made.status == 0, "\(made.stderr)")
        let inspected = try runDuet(["inspect", model])
        // transformers builds a vision tower for every T5Gemma 2: Duet stores a zero placeholder one.
        let placeholder = T5Gemma2VisionPlaceholder.layout(textHidden: 64).count
        for text in ["T5Gemma2ForConditionalGeneration (model_type t5gemma2)", "merged decoder attention",
                     "vision          \(placeholder) tensors", "weights         match config.json"] {
            #expect(inspected.stdout.contains(text), "\(text) missing from\n\(inspected.stdout)")
        }
        let unequal = try runDuet(["init", "--arch", "t5gemma2", "--preset", "1b-270m", "--out", dir.file("bad")])
        #expect(unequal.status != 0 && unequal.stderr.contains("equally wide"), "\(unequal.stderr)")

        var words = TrainFixtures.WordSalad(seed: 12)
        let corpus = dir.file("corpus.txt")
        try (0..<200).map { _ in words.words(12) }.joined(separator: "\n").write(toFile: corpus, atomically: true, encoding: .utf8)
        // Instruction tuning data: one-turn chats.
        let chats = dir.file("sft.jsonl")
        try (0..<40).map { i -> String in
            let question = words.words(6), answer = words.words(2)
            return #"{"messages":[{"role":"user","content":"\#(question) \#(i)"},{"role":"model","content":"\#(answer)"}]}"#
        }.joined(separator: "\n").write(toFile: chats, atomically: true, encoding: .utf8)
        var checkpoint = model
        for objective in ["prefixlm", "ul2", "sft"] {
            let run = dir.file("run-" + objective)
            let trained = try runDuet(["train", "--db", dir.file("runs.sqlite"), "--model", checkpoint, "--objective", objective,
                                       "--data", objective == "sft" ? chats : corpus, "--steps", "8", "--batch", "2",
                                       "--seq-len", "32", "--lr", "1e-2", "--out", run, "--threads", "1"])
            try #require(trained.status == 0, "\(objective): \(trained.stderr)")
            checkpoint = run + "/" + (try String(contentsOfFile: run + "/latest", encoding: .utf8))
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // The shared embedding, the eoi vector's neighbours and the q/k norms all learned, and the
        // checkpoint is a T5Gemma 2 again.
        let loaded = try #require(try ModelLoader.load(directory: URL(fileURLWithPath: checkpoint)).model as? T5GemmaModel)
        #expect(loaded.config.t5gemma2 != nil)
        // The vision tensors Duet does not train are carried through both runs' checkpoints.
        let carried = WeightLayout.skippedTensors(try CheckpointReader(directory: URL(fileURLWithPath: checkpoint)),
                                                  config: .t5gemma(loaded.config))
        #expect(carried.count == placeholder)
        #expect(loaded.parameters["model.decoder.layers.0.self_attn.k_norm.weight"].toArray().contains { $0 != 0 })
        #expect(loaded.parameters["model.encoder.layers.0.self_attn.q_norm.weight"].toArray().contains { $0 != 0 })

        let convert = try runDuet(["convert", checkpoint, converted, "--dtype", "bf16"])
        try #require(convert.status == 0, "\(convert.stderr)")
        #expect(try ModelConfigFile.load(directory: URL(fileURLWithPath: converted)).modelType == "t5gemma2")
        let generated = try runDuet(["generate", "--model", converted, "--prompt", "the river runs", "--max-tokens", "6",
                                     "--ignore-eos", "--json"])
        try #require(generated.status == 0, "\(generated.stderr)")
        guard case let .array(ids)? = try JSONParser.parse(Array(generated.stdout.utf8))["ids"] else {
            Issue.record("no ids: \(generated.stdout)")
            return
        }
        #expect(ids.count == 6)
        let scored = try runDuet(["score", "--model", converted, "--input-ids", "2,40,41,42", "--json"])
        #expect(scored.status == 0, "\(scored.stderr)")
        let encoded = try runDuet(["encode", "--model", converted, "--text", "the river runs", "--out", dir.file("h.npy")])
        #expect(encoded.status == 0, "\(encoded.stderr)")
    }
}
