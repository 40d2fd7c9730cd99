import DuetCore
import Foundation
import Testing
@testable import Engine

@Suite struct CheckpointConverterTests {
    /// A copy of the gemma2 fixture with extra files a real model directory carries.
    func sourceDirectory() throws -> TemporaryDirectory {
        let dir = TemporaryDirectory()
        for name in try FileManager.default.contentsOfDirectory(atPath: CheckpointFixtures.gemma2.path) {
            try FileManager.default.copyItem(at: CheckpointFixtures.gemma2.appendingPathComponent(name), to: dir.fileURL(name))
        }
        try Data("{\"model\": {}}".utf8).write(to: dir.fileURL("tokenizer.json"))
        try Data("{{ bos_token }}".utf8).write(to: dir.fileURL("chat_template.jinja"))
        try Data("*.safetensors filter=lfs".utf8).write(to: dir.fileURL(".gitattributes"))
        try Data([0, 1, 2]).write(to: dir.fileURL("pytorch_model.bin"))
        return dir
    }

    @Test func convertsShardsToOneF32FileAndCopiesTheRest() throws {
        let source = try sourceDirectory()
        let out = TemporaryDirectory()
        var calls = 0
        let report = try CheckpointConverter.convert(from: source.url, to: out.url, dtype: .f32) { done, total in
            calls += 1
            #expect(done == calls && total == 24)
        }
        #expect(report.tensors == 24 && calls == 24)
        #expect(report.copiedFiles == ["chat_template.jinja", "generation_config.json", "tokenizer.json"])
        #expect(try out.contents() == ["chat_template.jinja", "config.json", "generation_config.json", "model.safetensors", "tokenizer.json"])
        let original = try CheckpointReader(directory: source.url)
        let converted = try CheckpointReader(directory: out.url)
        #expect(converted.tensorNames.sorted() == original.tensorNames.sorted())
        for name in original.tensorNames {
            let t = try converted.tensor(name)
            #expect(t.dtype == .f32)
            #expect(t.toArray() == (try original.tensor(name)).toArray(), "\(name)")  // bf16 -> f32 is exact
        }
        #expect(try ModelConfigFile.load(directory: out.url) == ModelConfig.gemma2(tinyGemma2).withTorchDtype(.f32))
        let config = try JSONParser.parse(try Data(contentsOf: out.fileURL("config.json")))
        #expect(config["dtype"] == .string("float32"))
        #expect(config["transformers_version"] == .string("5.23.0"))  // other fields kept as they were
        #expect(try Data(contentsOf: out.fileURL("generation_config.json")) == (try Data(contentsOf: source.fileURL("generation_config.json"))))
    }

    @Test func backToBF16IsBitExactAndShardsOnRequest() throws {
        let f32 = TemporaryDirectory(), bf16 = TemporaryDirectory()
        _ = try CheckpointConverter.convert(from: CheckpointFixtures.gemma2, to: f32.url, dtype: .f32)
        _ = try CheckpointConverter.convert(from: f32.url, to: bf16.url, dtype: .bf16, maxShardBytes: 4096)
        let original = try CheckpointReader(directory: CheckpointFixtures.gemma2)
        let back = try CheckpointReader(directory: bf16.url)
        #expect(back.files.count >= 3 && back.files.allSatisfy { $0.fileSize - $0.dataStart <= 4096 })
        for name in original.tensorNames {
            #expect(try back.tensor(name).toArray().map(\.bitPattern) == (try original.tensor(name)).toArray().map(\.bitPattern))
        }
    }

    @Test func keepsDTypesWhenNoneIsGiven() throws {
        let out = TemporaryDirectory()
        _ = try CheckpointConverter.convert(from: CheckpointFixtures.t5gemma, to: out.url, dtype: nil, maxShardBytes: 1 << 15)
        let reader = try CheckpointReader(directory: out.url)
        #expect(reader.files.count == 3 && reader.tensorNames.allSatisfy { reader.info($0)?.dtype == .f32 })
        #expect(try Data(contentsOf: out.fileURL("config.json")) == (try Data(contentsOf: CheckpointFixtures.t5gemma.appendingPathComponent("config.json"))))
    }

    @Test func normalizedConfigComesFromTheEncoder() throws {
        let out = TemporaryDirectory()
        _ = try CheckpointConverter.convert(from: CheckpointFixtures.t5gemma, to: out.url, dtype: .bf16, normalizeConfig: true)
        let config = try ModelConfigFile.load(directory: CheckpointFixtures.t5gemma)
        #expect(try Data(contentsOf: out.fileURL("config.json")) == (try ModelConfigFile.encode(config, dtype: .bf16)))
    }

    @Test func refusesF16OverflowAndTheInputDirectory() throws {
        let dir = TemporaryDirectory()
        let source = try CheckpointReader(directory: CheckpointFixtures.gemma2)
        var tensors: [(name: String, tensor: Tensor)] = try source.tensorNames.map { ($0, try source.tensor($0)) }
        let i = tensors.firstIndex { $0.name == "model.norm.weight" }!
        tensors[i].tensor = makeTensor([16], [Float](repeating: 1e6, count: 16), dtype: .bf16)
        try SafeTensorsWriter.writeCheckpoint(tensors, to: dir.url)
        try FileManager.default.copyItem(at: CheckpointFixtures.gemma2.appendingPathComponent("config.json"), to: dir.fileURL("config.json"))
        let out = TemporaryDirectory()
        let overflow = checkpointError { _ = try CheckpointConverter.convert(from: dir.url, to: out.url, dtype: .f16) }
        #expect(overflow?.kind == "invalidWrite")
        #expect(overflow?.description.contains("model.norm.weight") == true && overflow?.description.contains("16 value(s)") == true)
        #expect(try out.contents().isEmpty)
        _ = try CheckpointConverter.convert(from: dir.url, to: out.url, dtype: .f32)  // fine in f32

        let same = checkpointError { _ = try CheckpointConverter.convert(from: dir.url, to: dir.url, dtype: .f32) }
        #expect(same?.kind == "invalidWrite")
    }
}
