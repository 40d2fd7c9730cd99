import DuetCore
import Foundation
import Testing
@testable import Engine
@testable import Tokenizers

/// What T5Gemma 2 (text) adds beyond the golden comparison: its checkpoint as transformers saves it
/// (vision tower included) loads through the ordinary loader, its config.json survives Duet writing
/// it, and what Duet cannot run is refused with the reason.
@Suite struct T5Gemma2Tests {
    func parse(_ text: String) throws -> ModelConfig { try ModelConfigFile.parse(Data(text.utf8), file: "config.json") }

    @Test func loadsTheTextPartOfACheckpointWithAVisionTower() throws {
        let golden = try ModelGolden("t5gemma2-merged")
        let reader = try CheckpointReader(directory: golden.directory)
        let config = try ModelConfigFile.load(directory: golden.directory)
        let vision = WeightLayout.skippedTensors(reader, config: config)
        #expect(!vision.isEmpty && vision.allSatisfy { $0.contains(".vision_tower.") || $0.contains(".multi_modal_projector.") })
        let loaded = try ModelLoader.load(directory: golden.directory)
        let model = try #require(loaded.model as? T5GemmaModel)
        #expect(Set(model.parameters.names).isDisjoint(with: vision))
        #expect(model.parameters.names.contains("model.encoder.embed_tokens.eoi_embedding"))
        #expect(!model.parameters.names.contains { $0.hasPrefix("model.decoder.embed_tokens") })
        #expect(config.modelType == "t5gemma2" && config.architecture == "T5Gemma2ForConditionalGeneration")
        // Loaded from disk (bf16-ready path, memory-mapped), greedy still equals transformers'.
        let result = try model.generate(prompt: golden.greedy("input_ids"), parameters: SamplingParameters(maxNewTokens: 32, ignoreEOS: true),
                                        stopTokens: [], cancel: nil, onToken: { _ in })
        #expect(result.tokens == golden.greedy("tokens"))
    }

    @Test func writesAConfigTransformersReadsAndReadsItBack() throws {
        let golden = try ModelGolden("t5gemma2-merged")
        let config = try ModelConfigFile.load(directory: golden.directory)
        guard case let .t5gemma(c) = config else { Issue.record("not an encoder-decoder"); return }
        // transformers 5.25 saves its default image token (256,001) whatever the config was built with.
        #expect(c.t5gemma2?.eoiTokenIndex == 61 && c.t5gemma2?.imageTokenIndex == 256_001)
        #expect(c.encoder.gemma3 != nil && c.decoder.gemma3 != nil && c.decoder.crossAttentionHiddenSize == nil)
        let data = try ModelConfigFile.encode(config, dtype: .bf16)
        #expect(try ModelConfigFile.parse(data, file: "x") == config.withTorchDtype(.bf16))
        let text = String(decoding: data, as: UTF8.self)
        for key in ["\"model_type\": \"t5gemma2\"", "\"T5Gemma2ForConditionalGeneration\"", "\"text_config\": {",
                    "\"model_type\": \"siglip_vision_model\"", "\"eoi_token_index\": 61"] {
            #expect(text.contains(key), "\(key) missing from \(text)")
        }
        // Without a vision config (a model Duet made), a minimal SigLIP one is written and read back.
        var bare = c
        bare.t5gemma2?.visionConfigJSON = nil
        let written = try ModelConfigFile.parse(try ModelConfigFile.encode(.t5gemma(bare), dtype: .f32), file: "x")
        guard case let .t5gemma(back) = written else { return }
        #expect(back.t5gemma2?.visionConfigJSON == T5Gemma2Text.minimalVisionConfig)
    }

    @Test func refusesWhatItCannotRun() throws {
        let stack = #""hidden_size": 32, "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 16, "vocab_size": 100"#
        // Merged attention projects the encoder with the decoder's weights: the widths must agree.
        #expect { try parse(#"{"model_type": "t5gemma2", "encoder": {"text_config": {\#(stack)}}, "decoder": {"hidden_size": 64, "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 16, "vocab_size": 100}}"#) }
            throws: { "\($0)".contains("merged attention") }
        #expect { try parse(#"{"model_type": "t5gemma2", "tie_word_embeddings": false, "encoder": {"text_config": {\#(stack)}}, "decoder": {\#(stack)}}"#) }
            throws: { "\($0)".contains("tie_word_embeddings") }
        #expect { try parse(#"{"model_type": "t5gemma2", "encoder": {\#(stack)}, "decoder": {\#(stack)}}"#) }
            throws: { "\($0)".contains("text_config") }
        // Image inputs: the vision tower is not loaded.
        let golden = try ModelGolden("t5gemma2-merged")
        let loaded = try #require(try ModelLoader.load(directory: golden.directory).model as? T5GemmaModel)
        var config = loaded.config
        config.t5gemma2?.imageTokenIndex = 62
        let model = T5GemmaModel(config: config, parameters: loaded.parameters)
        #expect(throws: GenerationError.imageInput(62)) {
            try model.generate(prompt: [2, 62, 5], parameters: SamplingParameters(maxNewTokens: 2), stopTokens: [], cancel: nil, onToken: { _ in })
        }
        // Cross-attention warm-up has no weights to train.
        let trainable = try #require(try ModelLoader.load(directory: golden.directory, trainable: true).model as? T5GemmaModel)
        #expect { try Trainer(model: try TrainableModel(trainable), config: TrainingConfig(steps: 2, crossAttentionWarmupSteps: 1)) }
            throws: { "\($0)".contains("no cross-attention weights") }
    }

    /// `duet adapt` from a Gemma 3: both stacks are copies of the source, and merged attention adds no
    /// weights, so with every encoder key masked the decoder IS the source model: its logits equal the
    /// Gemma 3 model's on the same tokens (which the golden ties to transformers).
    @Test func adaptingGemma3GivesAT5Gemma2WhoseDecoderIsTheSource() throws {
        let golden = try ModelGolden("gemma3-qknorm")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("duet-t5gemma2-adapt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try Adaptation.adapt(decoderFrom: golden.directory, to: out)
        let adapted = try #require(try ModelLoader.load(directory: out).model as? T5GemmaModel)
        let source = try #require(try ModelLoader.load(directory: golden.directory).model as? Gemma2Model)
        #expect(adapted.config.t5gemma2 != nil && adapted.config.encoder.gemma3 == source.config.gemma3)
        // The zero vision tower transformers expects is stored beside the text weights.
        let stored = WeightLayout.skippedTensors(try CheckpointReader(directory: out), config: .t5gemma(adapted.config))
        #expect(stored.count == T5Gemma2VisionPlaceholder.layout(textHidden: 32).count)
        // Copied tensor by tensor (the eoi token lies outside this vocabulary: a zero vector).
        for name in adapted.parameters.names {
            let mine = adapted.parameters[name].toArray()
            if name == "model.encoder.embed_tokens.eoi_embedding" {
                #expect(mine.allSatisfy { $0 == 0 })
                continue
            }
            let sourceName = "model." + name.split(separator: ".").dropFirst(2).joined(separator: ".")
                .replacingOccurrences(of: "pre_self_attn_layernorm", with: "input_layernorm")
                .replacingOccurrences(of: "post_self_attn_layernorm", with: "post_attention_layernorm")
            #expect(mine == source.parameters[sourceName].toArray(), "\(name) is not \(sourceName)")
        }

        let ids: [TokenID] = [2, 11, 23, 35, 47, 59, 71, 83, 95]
        let decoderInput = TokenBatch(sequences: [ids], padID: 0)
        let sourceActs = source.makeActivations(batch: 1, length: ids.count, training: false)
        source.forward(decoderInput, sourceActs)
        let acts = adapted.makeActivations(batch: 1, encoderLength: 4, decoderLength: ids.count, training: false)
        adapted.forward(encoderInput: TokenBatch(sequences: [[]], padID: 0, length: 4), decoderInput: decoderInput, acts)
        let worst = zip(acts.logits.toArray(), sourceActs.logits.toArray()).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-5, "decoder over a fully masked encoder differs from the source by \(worst)")
        // With a real encoder input the merged attention reads it: the logits move.
        let read = adapted.makeActivations(batch: 1, encoderLength: 4, decoderLength: ids.count, training: false)
        adapted.forward(encoderInput: TokenBatch(sequences: [[2, 5, 6, 7]], padID: 0), decoderInput: decoderInput, read)
        let moved = zip(read.logits.toArray(), sourceActs.logits.toArray()).map { abs($0 - $1) }.max() ?? 0
        #expect(moved > 1e-3)
    }
}
