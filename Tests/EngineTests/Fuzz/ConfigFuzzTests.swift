import Foundation
import FuzzSupport
import Testing
@testable import Engine

/// Mutation fuzzing of the model directory's JSON files: config.json (through `ModelConfigFile`,
/// whose configs are then re-encoded as `duet` does when it writes one) and generation_config.json,
/// both on top of Duet's own `JSONParser`. Seeds are the committed fixtures and the bundled model.
@Suite struct ConfigFuzzTests {
    static let configSeeds = [
        "Tests/Fixtures/models/gemma2-mha/config.json", "Tests/Fixtures/models/gemma2-gqa/config.json",
        "Tests/Fixtures/models/t5gemma-balanced/config.json", "Tests/Fixtures/models/t5gemma-unbalanced/config.json",
        "Tests/Fixtures/checkpoints/gemma2-bf16-sharded/config.json", "assets/models/duet-mini-it/config.json",
    ].map(repositoryFile)

    static let configDictionary = [
        "\"model_type\"", "\"gemma2\"", "\"t5gemma\"", "\"encoder\"", "\"decoder\"", "\"layer_types\"",
        "\"num_hidden_layers\"", "\"vocab_size\"", "\"sliding_window\"", "\"rope_scaling\"", "\"rope_parameters\"",
        "\"eos_token_id\"", "\"sliding_attention\"", "\"full_attention\"", "null", "true", "false", "[]", "{}",
        "1e309", "-1", "1000000000000000000", "2147483648", "0.5",
    ]

    /// Values that must be rejected (or bounded) before anything is sized from them.
    static let craftedConfigs: [[UInt8]] = [
        #"{"model_type":"gemma2","num_hidden_layers":1000000000000000000}"#,
        #"{"model_type":"gemma2","num_hidden_layers":9223372036854775807,"layer_types":[]}"#,
        #"{"model_type":"gemma2","num_hidden_layers":4.0e18}"#,
        #"{"model_type":"gemma2","vocab_size":9223372036854775807,"hidden_size":9223372036854775807}"#,
        #"{"model_type":"gemma2","query_pre_attn_scalar":1e30,"rope_theta":1e300,"rms_norm_eps":1e-300}"#,
        #"{"model_type":"gemma2","eos_token_id":[1e309,-1]}"#,
        #"{"model_type":"t5gemma","encoder":{"vocab_size":1e18},"decoder":[]}"#,
        #"{"model_type":"t5gemma","encoder":{},"decoder":{"cross_attention_hidden_size":-9223372036854775808}}"#,
        String(repeating: "[", count: 100_000), String(repeating: "{\"a\":", count: 100_000),
        "{\"model_type\":\"" + String(repeating: "\\u0041", count: 100_000) + "\"}",
    ].map { Array($0.utf8) }

    @Test func configJSONNeverCrashesHangsOrBalloons() {
        let report = fuzz("config.json", seeds: Self.configSeeds, extra: Self.craftedConfigs, count: 3000, style: .json,
                          dictionary: Self.configDictionary) { bytes in
            let config = try ModelConfigFile.parse(Data(bytes), file: "config.json")
            // What parses must also be writable (duet re-encodes configs when it saves a model), and
            // the written text must read back to the same model.
            let encoded = try ModelConfigFile.encode(config, dtype: .f32)
            let again = try ModelConfigFile.parse(encoded, file: "again.json")
            #expect(again.modelType == config.modelType)
        }
        #expect(report.slowest < 1.0, "\(report)")
        #expect(report.peakGrowth < fuzzMemoryLimit, "\(report)")
        #expect(report.accepted > 100 && report.rejected > 1000, "\(report)")
    }

    static let generationSeeds = [
        "Tests/Fixtures/models/gemma2-mha/generation_config.json", "assets/models/duet-mini-it/generation_config.json",
        "Tests/Fixtures/checkpoints/t5gemma-f32/generation_config.json",
    ].map(repositoryFile) + [Array(#"{"do_sample":true,"temperature":0.7,"top_k":64,"top_p":0.95,"max_new_tokens":128}"#.utf8)]

    @Test func generationConfigNeverCrashesHangsOrBalloons() {
        let report = fuzz("generation_config.json", seeds: Self.generationSeeds, count: 3000, style: .json,
                          dictionary: ["\"eos_token_id\"", "\"top_k\"", "\"top_p\"", "\"temperature\"", "\"max_new_tokens\"",
                                       "\"do_sample\"", "1e309", "-1", "9223372036854775807", "[]", "null"]) { bytes in
            let config = try GenerationConfig.parse(Data(bytes), file: "generation_config.json")
            // Accepted values are the ones the sampler can use, and they survive a write and a read.
            #expect(config.temperature.map { $0.isFinite && $0 >= 0 } ?? true)
            #expect(try GenerationConfig.parse(config.encode(), file: "again.json") == config)
        }
        #expect(report.slowest < 1.0, "\(report)")
        #expect(report.peakGrowth < fuzzMemoryLimit, "\(report)")
        #expect(report.accepted > 100 && report.rejected > 500, "\(report)")
    }
}
