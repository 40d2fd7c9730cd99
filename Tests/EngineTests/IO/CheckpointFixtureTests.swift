import DuetCore
import Foundation
import Testing
@testable import Engine

/// Reads the checkpoints transformers wrote (tools/golden/make_checkpoint_goldens.py) and checks
/// every tensor against the values Python recorded.
@Suite struct CheckpointFixtureTests {
    struct Expected {
        var dtype: String, shape: [Int], first: Double, last: Double, sum: Double, sumSquares: Double
    }

    static func expected(_ directory: String) throws -> [String: Expected] {
        let json = try JSONParser.parse(try Data(contentsOf: CheckpointFixtures.root.appendingPathComponent("tensors.json")))
        guard case let .object(members)? = json[directory] else { throw CheckpointError.missingFile(file: directory) }
        var out: [String: Expected] = [:]
        for (name, v) in members {
            guard case let .string(dtype)? = v["dtype"], case let .array(shape)? = v["shape"] else { continue }
            out[name] = Expected(dtype: dtype, shape: shape.compactMap(\.intValue), first: v["first"]!.doubleValue!,
                                 last: v["last"]!.doubleValue!, sum: v["sum"]!.doubleValue!,
                                 sumSquares: v["sum_squares"]!.doubleValue!)
        }
        return out
    }

    /// Every tensor's dtype, shape and values (first, last, sum, sum of squares in f64) match.
    static func checkAllTensors(_ reader: CheckpointReader, against expected: [String: Expected]) throws {
        #expect(Set(reader.tensorNames) == Set(expected.keys))
        for (name, e) in expected {
            let t = try reader.tensor(name)
            #expect(t.dtype.rawValue == e.dtype, "\(name)")
            #expect(t.shape == e.shape, "\(name)")
            let values = t.toArray().map(Double.init)
            #expect(values.first == e.first, "\(name) first")
            #expect(values.last == e.last, "\(name) last")
            // Summation order differs from numpy's pairwise sum: allow f64 rounding only.
            let sum = values.reduce(0, +), squares = values.reduce(0) { $0 + $1 * $1 }
            #expect(abs(sum - e.sum) <= 1e-9 * max(1, abs(e.sum)), "\(name) sum")
            #expect(abs(squares - e.sumSquares) <= 1e-9 * max(1, e.sumSquares), "\(name) sum of squares")
        }
    }

    @Test func shardedBF16Gemma2MatchesPython() throws {
        let reader = try CheckpointReader(directory: CheckpointFixtures.gemma2)
        #expect(reader.files.count == 2)
        #expect(reader.fileSizes.map { $0.url.lastPathComponent } == ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"])
        #expect(reader.indexMetadata["total_size"] == .int(5776 * 2))
        try Self.checkAllTensors(reader, against: try Self.expected("gemma2-bf16-sharded"))
        let reference = try NPY.read(CheckpointFixtures.root.appendingPathComponent("reference/gemma2.layers.1.mlp.down_proj.npy"))
        let t = try reader.tensor("model.layers.1.mlp.down_proj.weight")
        #expect(reference.shape == [16, 32])
        #expect(t.toArray() == reference.toArray())
    }

    @Test func singleFileF32T5GemmaMatchesPython() throws {
        let reader = try CheckpointReader(directory: CheckpointFixtures.t5gemma)
        #expect(reader.files.count == 1)
        #expect(reader.files[0].metadata == ["format": "pt"])
        try Self.checkAllTensors(reader, against: try Self.expected("t5gemma-f32"))
        let reference = try NPY.read(CheckpointFixtures.root.appendingPathComponent("reference/t5gemma.decoder.layers.1.cross_attn.k_proj.npy"))
        let t = try reader.tensor("model.decoder.layers.1.cross_attn.k_proj.weight")
        #expect(t.shape == [8, 16])  // K/V of cross-attention read the encoder's width (16), not the decoder's (24)
        #expect(t.toArray() == reference.toArray())
    }

    @Test func tensorsAreZeroCopyViewsOfTheMapping() throws {
        let file = try SafeTensorsFile(url: CheckpointFixtures.t5gemma.appendingPathComponent("model.safetensors"))
        let a = try file.tensor("model.encoder.norm.weight"), b = try file.tensor("model.decoder.norm.weight")
        #expect(a.storage === b.storage)
        #expect(a.storage.byteCount == file.fileSize)
        let info = try #require(file.info("model.encoder.norm.weight"))
        #expect(a.byteOffset == info.byteRange.lowerBound)
        #expect(info.byteRange.count == 16 * 4)
        #expect(info.byteRange.lowerBound >= file.dataStart)
        #expect(file.dataStart % 8 == 0)
    }

    @Test func tensorsOutliveTheirFile() throws {
        var file: SafeTensorsFile? = try SafeTensorsFile(url: CheckpointFixtures.t5gemma.appendingPathComponent("model.safetensors"))
        let t = try file!.tensor("model.encoder.embed_tokens.weight")
        let before = t.toArray()
        file = nil
        #expect(t.toArray() == before)
    }

    @Test func configsParseToTheModelsPythonBuilt() throws {
        let gemma2 = try ModelConfigFile.load(directory: CheckpointFixtures.gemma2)
        #expect(gemma2 == .gemma2(tinyGemma2))
        guard case let .t5gemma(t5) = try ModelConfigFile.load(directory: CheckpointFixtures.t5gemma) else {
            Issue.record("not t5gemma")
            return
        }
        #expect(t5.encoder.hiddenSize == 16)
        #expect(t5.decoder.hiddenSize == 24)
        #expect(t5.decoder.crossAttentionHiddenSize == 16)
        #expect(t5.encoder.crossAttentionHiddenSize == nil)
        #expect(t5.torchDtype == .f32)
        #expect(t5.eosTokenIDs == [1] && t5.bosTokenID == 2 && t5.padTokenID == 0)
        #expect(t5.decoder.layerTypes == [.sliding, .full])
        #expect(t5.decoder.queryPreAttnScalar == 8 && t5.decoder.slidingWindow == 4)
    }

    @Test func fixturesValidateAgainstTheirConfigs() throws {
        for dir in [CheckpointFixtures.gemma2, CheckpointFixtures.t5gemma] {
            let config = try ModelConfigFile.load(directory: dir)
            let reader = try CheckpointReader(directory: dir)
            try WeightLayout.validate(reader, config: config)
            #expect(WeightLayout.expectedShapes(config).count == reader.tensorNames.count)
        }
    }

    @Test func generationConfigOfTheFixture() throws {
        let g = try #require(try GenerationConfig.load(directory: CheckpointFixtures.gemma2))
        #expect(g == GenerationConfig(eosTokenIDs: [1, 7], bosTokenID: 2, padTokenID: 0))
        let t = TemporaryDirectory()
        #expect(try GenerationConfig.load(directory: t.url) == nil)
    }

    @Test func parameterCountsSplitByPart() throws {
        let t5 = ParameterCounts(try CheckpointReader(directory: CheckpointFixtures.t5gemma))
        // Embeddings 64x16 (encoder) + 64x24 (decoder); an encoder layer has 4 norms, q/o 16x16,
        // k/v 8x16 and a 3x(32x16) MLP; a decoder layer adds cross-attention and two norms.
        let encoderLayer = 4 * 16 + 2 * 256 + 2 * 128 + 3 * 512
        let decoderLayer = 6 * 24 + 2 * (16 * 24) + 2 * (8 * 24) + (2 * (16 * 24) + 2 * (8 * 16)) + 3 * (32 * 24)
        #expect(t5 == ParameterCounts(encoder: 2 * encoderLayer + 16, decoder: 2 * decoderLayer + 24, embeddings: 64 * 16 + 64 * 24))
        #expect(t5.total == 16_584)
        let g = ParameterCounts(try CheckpointReader(directory: CheckpointFixtures.gemma2))
        #expect(g == ParameterCounts(encoder: 0, decoder: 4752, embeddings: 1024))
    }
}
