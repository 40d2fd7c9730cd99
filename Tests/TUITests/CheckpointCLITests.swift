import DuetCore
import Engine
import Foundation
import Testing

/// `duet inspect` and `duet convert` run as a user runs them: the built binary on the goldens.
@Suite struct CheckpointCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/checkpoints")
    static let gemma2 = fixtures.appendingPathComponent("gemma2-bf16-sharded").path
    static let t5gemma = fixtures.appendingPathComponent("t5gemma-f32").path

    /// A fresh temporary directory path (not created) and a cleanup to defer.

    @Test func inspectDescribesAT5GemmaCheckpoint() throws {
        let out = try runDuet(["inspect", Self.t5gemma])
        #expect(out.status == 0, "\(out.stderr)")
        for expected in ["T5GemmaForConditionalGeneration (model_type t5gemma)",
                         "total 16,584 = encoder 4,752 + decoder 9,272 + embeddings 2,560",
                         "F32 (60 tensors, 16,584 params)", "config dtype    float32",
                         "layers 2, hidden 24, FFN 32, vocab 64", "heads 2, kv heads 1, head dim 8",
                         "sliding window 4, layers [sliding, full] x 1", "soft-caps: attention 50, final 30",
                         "cross-attention width 16", "bos 2, eos 1, pad 0", "model.safetensors  71.2 KiB",
                         "match config.json (60 tensors, shapes checked)"] {
            #expect(out.stdout.contains(expected), "missing: \(expected)\n\(out.stdout)")
        }
    }

    @Test func inspectJSONOfAShardedGemma2() throws {
        let out = try runDuet(["inspect", Self.gemma2, "--json"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try JSONParser.parse(Array(out.stdout.utf8))
        #expect(json["architecture"] == .string("Gemma2ForCausalLM"))
        #expect(json["parameters"] == .object([("encoder", .int(0)), ("decoder", .int(4752)), ("embeddings", .int(1024)), ("total", .int(5776))]))
        #expect(json["dtypes"]?["BF16"]?["tensors"] == .int(24))
        #expect(json["model"]?["num_kv_heads"] == .int(1) && json["model"]?["head_dim"] == .int(8))
        #expect(json["model"]?["layer_types"] == .array([.string("sliding_attention"), .string("full_attention")]))
        #expect(json["model"]?["final_logit_softcapping"] == .double(30))
        #expect(json["special_tokens"]?["eos"] == .array([.int(1), .int(7)]))
        guard case let .array(files)? = json["files"] else { Issue.record("no files"); return }
        #expect(files.count == 2 && files[0]["name"] == .string("model-00001-of-00002.safetensors"))
        #expect(json["valid"] == .bool(true) && json["problem"] == .null)
    }

    @Test func inspectReportsBrokenCheckpoints() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.path
        try FileManager.default.copyItem(atPath: Self.gemma2, toPath: dir)
        // Weights that do not match the config: exit 1, the problem named.
        let config = dir + "/config.json"
        let text = try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "\"intermediate_size\": 32", with: "\"intermediate_size\": 48")
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let mismatch = try runDuet(["inspect", dir])
        #expect(mismatch.status == 1)
        #expect(mismatch.stdout.contains("INVALID: tensor 'model.layers.0.mlp.gate_proj.weight' has shape [32, 16], the config implies [48, 16]"))
        // A truncated shard: exit 1, the shard named, no crash.
        let shard = dir + "/model-00002-of-00002.safetensors"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: shard))
        try bytes.prefix(bytes.count - 10).write(to: URL(fileURLWithPath: shard))
        let truncated = try runDuet(["inspect", dir])
        #expect(truncated.status == 1)
        #expect(truncated.stderr.contains("model-00002-of-00002.safetensors: file is truncated"), "\(truncated.stderr)")
        let missing = try runDuet(["inspect", dir + "/nope"])
        #expect(missing.status == 1 && missing.stderr.contains("config.json: no such file"))
    }

    @Test func convertWritesACheckpointInspectAccepts() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.path
        let out = try runDuet(["convert", Self.t5gemma, dir, "--dtype", "bf16", "--max-shard-mb", "0.02"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("wrote 60 tensors (BF16)") && out.stdout.contains("model-00001-of-00002.safetensors"))
        #expect(out.stdout.contains("generation_config.json (copied)"))
        let inspect = try runDuet(["inspect", dir])
        #expect(inspect.status == 0, "\(inspect.stdout)")
        #expect(inspect.stdout.contains("config dtype    bfloat16") && inspect.stdout.contains("BF16 (60 tensors"))
        let bad = try runDuet(["convert", Self.t5gemma, dir, "--dtype", "int4"])
        #expect(bad.status != 0 && bad.stderr.contains("--dtype must be f32, bf16, f16 or int8"))
    }

    /// `--layout panels` stores the bf16 matrices packed: inspect says so, generate reads them as they are
    /// and answers as the row-major file does, and `--layout row-major` gives the Hugging Face file back.
    @Test func convertToPanelsAndBack() throws {
        let scratch = TemporaryDirectory()
        let (rowMajor, panels, back) = (scratch.path + "/bf16", scratch.path + "/panels", scratch.path + "/back")
        #expect(try runDuet(["convert", Self.t5gemma, rowMajor, "--dtype", "bf16"]).status == 0)
        let packed = try runDuet(["convert", Self.t5gemma, panels, "--dtype", "bf16", "--layout", "panels"])
        #expect(packed.status == 0, "\(packed.stderr)")
        #expect(packed.stdout.contains("wrote 60 tensors (BF16, 38 bf16 matrices packed in panels)"), "\(packed.stdout)")
        let inspect = try runDuet(["inspect", panels])
        #expect(inspect.stdout.contains("BF16 panels (38 tensors") && inspect.stdout.contains("match config.json"), "\(inspect.stdout)")
        func greedy(_ model: String) throws -> String {
            let out = try runDuet(["generate", "--model", model, "--prompt-ids", "2,40,41,42", "--max-tokens", "8", "--ignore-eos", "--json"])
            #expect(out.status == 0, "\(out.stderr)")
            return String(describing: try JSONParser.parse(Array(out.stdout.utf8))["ids"])
        }
        #expect(try greedy(panels) == (try greedy(rowMajor)))
        #expect(try runDuet(["convert", panels, back, "--layout", "row-major"]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: back + "/model.safetensors"))
            == (try Data(contentsOf: URL(fileURLWithPath: rowMajor + "/model.safetensors"))))
        let refused = try runDuet(["convert", Self.t5gemma, panels, "--layout", "panels"])
        #expect(refused.status != 0 && refused.stderr.contains("no bf16 matrix to store in panels"), "\(refused.stderr)")
        let wrongDType = try runDuet(["convert", Self.t5gemma, panels, "--dtype", "f32", "--layout", "panels"])
        #expect(wrongDType.status != 0 && wrongDType.stderr.contains("--layout panels stores bf16 matrices"))
    }

    @Test func convertFailingMidWriteLeavesTheOldCheckpoint() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.path
        #expect(try runDuet(["convert", Self.t5gemma, dir]).status == 0)
        let weights = dir + "/model.safetensors"
        let before = try Data(contentsOf: URL(fileURLWithPath: weights))
        // A 32 KiB file-size limit (SIGXFSZ ignored, so write(2) fails with EFBIG, as on a full
        // disk): the 71 KiB rewrite fails halfway through the weights.
        let duet = productPath("duet")
        let failed = spawnWait(["/bin/sh", "-c", "trap '' XFSZ; ulimit -f 64; exec \"$0\" convert \"$1\" \"$2\" --dtype f32",
                                duet, Self.t5gemma, dir])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("model.safetensors: write failed: File too large"), "\(failed.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: weights)) == before)
        // The temporary file is gone too.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["config.json", "generation_config.json", "model.safetensors"])
        #expect(try runDuet(["inspect", dir]).status == 0)
    }
}
