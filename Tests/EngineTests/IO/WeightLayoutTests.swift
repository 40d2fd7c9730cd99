import Foundation
import Testing
@testable import Engine

@Suite struct WeightLayoutTests {
    func parameters(_ config: ModelConfig) -> Int {
        WeightLayout.expectedShapes(config).reduce(0) { $0 + $1.shape.reduce(1, *) }
    }

    /// Totals from t5gemma-reference.md §2.5 (2B, 9B) and §3.2 (B-B, the Hub's reported count).
    @Test func parameterTotalsOfRealModels() {
        #expect(parameters(.gemma2(Gemma2Config())) == 2_614_341_888)
        let nine = Gemma2Config(hiddenSize: 3584, intermediateSize: 14336, numLayers: 42, numHeads: 16, numKVHeads: 8)
        #expect(parameters(.gemma2(nine)) == 9_241_705_984)
        let base = Gemma2Config(hiddenSize: 768, intermediateSize: 2048, numLayers: 12, numHeads: 12, numKVHeads: 12,
                                headDim: 64, queryPreAttnScalar: 64)
        #expect(parameters(.t5gemma(T5GemmaConfig(encoder: base, decoder: base))) == 591_490_560)
    }

    @Test func namesAndShapesFollowTransformers() {
        let shapes = Dictionary(uniqueKeysWithValues: WeightLayout.expectedShapes(.gemma2(Gemma2Config())).map { ($0.name, $0.shape) })
        #expect(shapes["model.layers.25.self_attn.q_proj.weight"] == [2048, 2304])
        #expect(shapes["model.layers.0.self_attn.k_proj.weight"] == [1024, 2304])
        #expect(shapes["model.layers.0.self_attn.o_proj.weight"] == [2304, 2048])
        #expect(shapes["model.layers.0.mlp.down_proj.weight"] == [2304, 9216])
        #expect(shapes["model.norm.weight"] == [2304])
        #expect(shapes["lm_head.weight"] == nil)
        #expect(shapes.count == 2 + 26 * 11)

        // 9B-2B: the decoder's cross-attention K/V read the 9B encoder's width.
        let enc = Gemma2Config(hiddenSize: 3584, intermediateSize: 14336, numLayers: 42, numHeads: 16, numKVHeads: 8)
        let t5 = T5GemmaConfig(encoder: enc, decoder: Gemma2Config(), tieWordEmbeddings: false)
        let s = Dictionary(uniqueKeysWithValues: WeightLayout.expectedShapes(.t5gemma(t5)).map { ($0.name, $0.shape) })
        #expect(s["model.decoder.layers.0.cross_attn.q_proj.weight"] == [2048, 2304])
        #expect(s["model.decoder.layers.0.cross_attn.k_proj.weight"] == [1024, 3584])
        #expect(s["model.decoder.layers.0.cross_attn.o_proj.weight"] == [2304, 2048])
        #expect(s["model.decoder.layers.25.post_cross_attn_layernorm.weight"] == [2304])
        #expect(s["model.encoder.layers.41.pre_self_attn_layernorm.weight"] == [3584])
        #expect(s["model.encoder.layers.0.cross_attn.q_proj.weight"] == nil)
        #expect(s["lm_head.out_proj.weight"] == [256_000, 2304])
    }

    /// Copies the gemma2 fixture's tensors, edited by `edit`, into a fresh checkpoint directory.
    func editedCheckpoint(_ edit: (inout [(name: String, tensor: Tensor)]) -> Void) throws -> (TemporaryDirectory, CheckpointReader) {
        let source = try CheckpointReader(directory: CheckpointFixtures.gemma2)
        var tensors: [(name: String, tensor: Tensor)] = try source.tensorNames.map { ($0, try source.tensor($0)) }
        edit(&tensors)
        let dir = TemporaryDirectory()
        try SafeTensorsWriter.writeCheckpoint(tensors, to: dir.url)
        return (dir, try CheckpointReader(directory: dir.url))
    }

    let config = ModelConfig.gemma2(tinyGemma2)

    @Test func missingTensorsAreAllNamed() throws {
        let (dir, reader) = try editedCheckpoint { $0.removeAll { $0.name.hasPrefix("model.layers.1.mlp.") } }
        let error = checkpointError { try WeightLayout.validate(reader, config: config) }
        guard case let .missingTensors(names, directory)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(names == ["model.layers.1.mlp.gate_proj.weight", "model.layers.1.mlp.up_proj.weight", "model.layers.1.mlp.down_proj.weight"])
        #expect(directory == dir.url.path)
    }

    @Test func unexpectedTensorsAreNamed() throws {
        let (_, reader) = try editedCheckpoint { $0.append(("model.layers.2.input_layernorm.weight", Tensor(zeros: [16]))) }
        let error = checkpointError { try WeightLayout.validate(reader, config: config) }
        guard case let .unexpectedTensors(names, _)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(names == ["model.layers.2.input_layernorm.weight"])
    }

    @Test func wrongShapeIsNamed() throws {
        let (_, reader) = try editedCheckpoint { tensors in
            let i = tensors.firstIndex { $0.name == "model.layers.0.self_attn.k_proj.weight" }!
            tensors[i].tensor = Tensor(zeros: [16, 16], dtype: .bf16)
        }
        let error = checkpointError { try WeightLayout.validate(reader, config: config) }
        guard case let .shapeMismatch(tensor, expected, actual)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(tensor == "model.layers.0.self_attn.k_proj.weight" && expected == [8, 16] && actual == [16, 16])
    }

    @Test func aStoredTiedHeadIsAcceptedOnlyWithTheRightShape() throws {
        let (_, good) = try editedCheckpoint { $0.append(("lm_head.weight", Tensor(zeros: [64, 16], dtype: .bf16))) }
        try WeightLayout.validate(good, config: config)
        let (_, bad) = try editedCheckpoint { $0.append(("lm_head.weight", Tensor(zeros: [64, 8], dtype: .bf16))) }
        #expect(checkpointError { try WeightLayout.validate(bad, config: config) }?.kind == "shapeMismatch")
        var untied = tinyGemma2
        untied.tieWordEmbeddings = false
        #expect(checkpointError { try WeightLayout.validate(try CheckpointReader(directory: CheckpointFixtures.gemma2), config: .gemma2(untied)) }?.kind
                == "missingTensors")
    }

    @Test func unsupportedDTypeInACheckpointIsNamed() throws {
        let dir = TemporaryDirectory()
        let source = try CheckpointReader(directory: CheckpointFixtures.gemma2)
        let tensors = try source.tensorNames.map { ($0, try source.tensor($0)) }
        try SafeTensorsWriter.writeCheckpoint(tensors, to: dir.url)
        // Relabel model.norm.weight (16 bf16 = 32 bytes) as 4 I64 in place: same size, same offsets.
        let url = dir.fileURL("model.safetensors")
        var bytes = [UInt8](try Data(contentsOf: url))
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = String(decoding: bytes[8..<8 + n], as: UTF8.self)
        let old = #""model.norm.weight":{"dtype":"BF16","shape":[16]"#
        let new = #""model.norm.weight":{"dtype":"I64", "shape":[ 4]"#
        #expect(header.contains(old) && old.utf8.count == new.utf8.count)
        bytes.replaceSubrange(8..<8 + n, with: Array(header.replacingOccurrences(of: old, with: new).utf8))
        try Data(bytes).write(to: url)
        let error = checkpointError { try WeightLayout.validate(try CheckpointReader(directory: dir.url), config: config) }
        guard case let .unsupportedDType(file, tensor, dtype)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(file == url.path && tensor == "model.norm.weight" && dtype == "I64")
    }
}
