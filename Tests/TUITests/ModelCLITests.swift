import Engine
import Foundation
import Testing

/// The `duet score` / `duet generate` / `duet encode` contract other tools rely on, run on the
/// golden models (tiny random HF models whose outputs transformers computed).
@Suite struct ModelCLITests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/models")

    struct Golden {
        let directory: URL
        let json: [String: Any]
        init(_ name: String) throws {
            directory = ModelCLITests.models.appendingPathComponent(name)
            json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("golden.json"))) as? [String: Any])
        }
        var firstSequence: [Int] {
            let ids = (json["input_ids"] as? [[Int]])?[0] ?? []
            let mask = (json["attention_mask"] as? [[Int]])?[0] ?? []
            return Array(ids.prefix(mask.reduce(0, +)))
        }
        func greedy(_ key: String) -> [Int] { (json["greedy"] as? [String: Any])?[key] as? [Int] ?? [] }
        func logits() throws -> Tensor { try SafeTensorsFile(url: directory.appendingPathComponent("golden.safetensors")).tensor("logits") }
    }

    func jsonObject(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func scoreWritesHuggingFaceLogitsAndReportsTheLoss() throws {
        let golden = try Golden("gemma2-gqa")
        let ids = golden.firstSequence
        let dir = TemporaryDirectory()
        let npy = dir.file("logits.npy")
        let out = try runDuet(["score", "--model", golden.directory.path, "--input-ids", ids.map(String.init).joined(separator: ","),
                               "--logits-out", npy, "--json"])
        #expect(out.status == 0, "\(out.stderr)")
        let result = try jsonObject(out.stdout)
        #expect(result["tokens"] as? Int == ids.count)
        let logprobs = try #require(result["logprobs"] as? [Double])
        #expect(logprobs.count == ids.count - 1)
        let loss = try #require(result["loss"] as? Double)
        #expect(abs(loss + logprobs.reduce(0, +) / Double(logprobs.count)) < 1e-9)
        let written = try NPY.read(URL(fileURLWithPath: npy))
        let v = written.shape[1]
        #expect(written.shape == [ids.count, v])
        let expected = try golden.logits().toArray(), mine = written.toArray()
        let worst = zip(mine, expected.prefix(mine.count)).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 2e-4, "max |logit difference| \(worst)")
    }

    @Test(arguments: [("gemma2-mha", "prompt"), ("gemma3-qknorm", "prompt"), ("t5gemma-unbalanced", "input_ids"),
                      ("t5gemma2-merged", "input_ids")])
    func generateJSONGivesTheGreedyTokensTransformersGives(_ name: String, _ promptKey: String) throws {
        let golden = try Golden(name)
        let prompt = golden.greedy(promptKey), expected = golden.greedy("tokens")
        let out = try runDuet(["generate", "--model", golden.directory.path, "--prompt-ids", prompt.map(String.init).joined(separator: ","),
                               "--max-tokens", "32", "--ignore-eos", "--json"])
        #expect(out.status == 0, "\(out.stderr)")
        let result = try jsonObject(out.stdout)
        #expect(result["ids"] as? [Int] == expected)
        let stats = try #require(result["stats"] as? [String: Any])
        #expect(stats["generated_tokens"] as? Int == 32)
        #expect(stats["stop_reason"] as? String == "max_tokens")
        if name.hasPrefix("t5gemma") { #expect(stats["encoder_tokens"] as? Int == prompt.count) }
    }

    /// The human summary on stderr says why generation stopped as the UI and the exports do
    /// ("max tokens"), not as the enum's raw value ("stop: max_tokens"); `--json` keeps the raw value.
    @Test func generateSummarySaysWhyItStoppedInWords() throws {
        let golden = try Golden("gemma2-mha")
        let prompt = golden.greedy("prompt").map(String.init).joined(separator: ",")
        let out = try runDuet(["generate", "--model", golden.directory.path, "--prompt-ids", prompt, "--max-tokens", "4", "--ignore-eos"])
        #expect(out.status == 0, "\(out.stderr)")
        let summary = try #require(out.stderr.split(separator: "\n").last.map(String.init))
        #expect(summary.hasSuffix(" · max tokens"), "\(summary)")
        #expect(!summary.contains("max_tokens") && !summary.contains("stop:"), "\(summary)")
    }

    @Test(arguments: ["t5gemma-balanced", "t5gemma2-merged"])
    func encodeWritesTheEncoderHiddenStates(_ name: String) throws {
        let golden = try Golden(name)
        let ids = golden.firstSequence
        let dir = TemporaryDirectory()
        let npy = dir.file("hidden.npy")
        let out = try runDuet(["encode", "--model", golden.directory.path, "--input-ids", ids.map(String.init).joined(separator: ","), "--out", npy])
        #expect(out.status == 0, "\(out.stderr)")
        let hidden = try NPY.read(URL(fileURLWithPath: npy))
        let expected = try SafeTensorsFile(url: golden.directory.appendingPathComponent("golden.safetensors")).tensor("encoder_hidden").toArray()
        let mine = hidden.toArray()
        #expect(hidden.shape[0] == ids.count)
        let worst = zip(mine, expected.prefix(mine.count)).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 2e-4)
    }

    /// A T5Gemma 2 checkpoint as transformers saves it: inspect names what Duet computes differently
    /// from T5Gemma and the vision tower it leaves out; an image token in a prompt is refused.
    @Test func inspectAndGenerateOnT5Gemma2SayWhatIsRunAndWhatIsNot() throws {
        let model = try Golden("t5gemma2-merged").directory.path
        let inspect = try runDuet(["inspect", model])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        for text in ["T5Gemma2ForConditionalGeneration", "merged decoder attention", "encoder window 5 split around the query",
                     "eoi token 61", "not loaded: Duet runs the text part", "q/k norms"] {
            #expect(inspect.stdout.contains(text), "\(text) missing from\n\(inspect.stdout)")
        }
        // The fixture's image token lies outside its tiny vocabulary (transformers saves its default): a
        // copy whose config puts it at 62.
        let dir = TemporaryDirectory()
        for file in ["model.safetensors", "generation_config.json"] {
            try FileManager.default.copyItem(atPath: model + "/" + file, toPath: dir.file(file))
        }
        let config = try String(contentsOfFile: model + "/config.json", encoding: .utf8)
        try config.replacingOccurrences(of: "\"image_token_index\": 256001", with: "\"image_token_index\": 62")
            .write(toFile: dir.file("config.json"), atomically: true, encoding: .utf8)
        let image = try runDuet(["generate", "--model", dir.path, "--prompt-ids", "2,62,7"])
        #expect(image.status != 0 && image.stderr.contains("image token 62"), "\(image.stderr)")
    }

    @Test func badInputsGiveClearErrors() throws {
        let model = try Golden("gemma2-gqa").directory.path
        let outOfRange = try runDuet(["score", "--model", model, "--input-ids", "2,5000"])
        #expect(outOfRange.status != 0 && outOfRange.stderr.contains("outside the vocabulary"))
        let notIDs = try runDuet(["generate", "--model", model, "--prompt-ids", "2,x"])
        #expect(notIDs.status != 0 && notIDs.stderr.contains("is not a token id"))
        let missing = try runDuet(["generate", "--model", "/nonexistent/model", "--prompt-ids", "2"])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/model"))
        let noTokenizer = try runDuet(["generate", "--model", model, "--prompt", "hello"])
        #expect(noTokenizer.status != 0 && noTokenizer.stderr.contains("no tokenizer"))
    }
}

/// `duet bench generate --profile` splits both a prompt pass and the generated tokens by kind of work
/// (what the figures are is a benchmark's business; that both tables come out, with matrix products in
/// each, is this test's).
@Suite struct BenchGenerateProfileTests {
    @Test func profileBreaksDownThePromptPassAndTheGeneratedTokens() throws {
        let model = ModelCLITests.models.appendingPathComponent("gemma2-gqa")
        let out = try runDuet(["bench", "generate", "--model", model.path, "--prompt-tokens", "8", "--tokens", "4",
                               "--runs", "1", "--profile", "--threads", "1"])
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n").map(String.init)
        let heads = lines.indices.filter { lines[$0].hasPrefix("profile:") }
        #expect(heads.count == 2, "\(out.stdout)")
        guard heads.count == 2 else { return }
        #expect(lines[heads[0]].contains("per profiled prompt pass"))
        #expect(lines[heads[1]].contains("per profiled generated token"))
        for (head, end) in [(heads[0], heads[1]), (heads[1], lines.count)] {
            #expect(lines[(head + 1)..<end].contains { $0.contains("GEMM forward") }, "\(out.stdout)")
        }
    }
}
