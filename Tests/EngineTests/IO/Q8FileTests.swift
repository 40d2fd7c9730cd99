import DuetCore
import Foundation
import Testing
@testable import Engine
@testable import Tokenizers

/// int8 model directories (`duet convert --dtype int8`): what is written, that it loads to exactly
/// the model quantized at load, the way back to bf16, and broken files named as such.
@Suite struct Q8FileTests {
    func converted(_ fixture: String) throws -> (source: URL, int8: TemporaryDirectory) {
        let source = try ModelGolden(fixture).directory
        let out = TemporaryDirectory()
        _ = try CheckpointConverter.convert(from: source, to: out.url, dtype: .i8)
        return (source, out)
    }

    func logits(_ loaded: LoadedModel, ids: [TokenID]) -> [Float] {
        switch loaded.model {
        case let m as Gemma2Model:
            let acts = m.makeActivations(batch: 1, length: ids.count, training: false)
            m.forward(TokenBatch(sequences: [ids], padID: m.config.padTokenID), acts)
            return acts.logits.toArray()
        case let m as T5GemmaModel:
            let acts = m.makeActivations(batch: 1, encoderLength: ids.count, decoderLength: 3, training: false)
            m.forward(encoderInput: TokenBatch(sequences: [ids], padID: m.config.padTokenID),
                      decoderInput: TokenBatch(sequences: [[m.config.bosTokenID, 7, 9]], padID: m.config.padTokenID), acts)
            return acts.logits.toArray()
        default: return []
        }
    }

    @Test(arguments: ["gemma2-gqa", "t5gemma-balanced"])
    func anInt8DirectoryLoadsAsTheModelQuantizedAtLoad(fixture: String) throws {
        let (source, out) = try converted(fixture)
        let reader = try CheckpointReader(directory: out.url)
        let original = try CheckpointReader(directory: source)
        #expect(reader.parameterNames.sorted() == original.tensorNames.sorted())
        for name in reader.parameterNames {
            let info = reader.info(name)!
            if Q8.canQuantize(shape: info.shape) {
                #expect(info.dtype == .i8, "\(name)")
                #expect(reader.info(name + Q8.scaleSuffix)?.shape == [info.shape[0], info.shape[1] / Q8.blockSize])
            } else {
                #expect(info.dtype == original.info(name)!.dtype, "\(name) keeps its dtype")
            }
        }
        let config = try JSONParser.parse(try Data(contentsOf: out.fileURL("config.json")))
        #expect(config["quantization_config"]?["quant_method"] == .string("duet-q8"))
        #expect(try ModelConfigFile.load(directory: out.url) == (try ModelConfigFile.load(directory: source)))

        let ids: [TokenID] = [2, 11, 40, 7, 19, 33, 5]
        let fromFile = try ModelLoader.load(directory: out.url)
        let atLoad = try ModelLoader.load(directory: source, quantization: .int8)
        #expect(logits(fromFile, ids: ids) == logits(atLoad, ids: ids))
        #expect(throws: ModelLoadError.self) { try ModelLoader.load(directory: out.url, trainable: true) }
    }

    @Test func backToBF16GivesTheDequantizedValues() throws {
        let (_, int8) = try converted("t5gemma-balanced")
        let bf16 = TemporaryDirectory()
        _ = try CheckpointConverter.convert(from: int8.url, to: bf16.url, dtype: .bf16)
        let quantized = try CheckpointReader(directory: int8.url), back = try CheckpointReader(directory: bf16.url)
        #expect(back.tensorNames.sorted() == quantized.parameterNames.sorted())
        for name in quantized.parameterNames {
            let expected = try quantized.tensor(name).converted(to: .bf16).toArray()
            #expect(try back.tensor(name).toArray() == expected, "\(name)")
        }
        let config = try JSONParser.parse(try Data(contentsOf: bf16.fileURL("config.json")))
        #expect(config["quantization_config"] == nil)
        _ = try ModelLoader.load(directory: bf16.url, trainable: true)
    }

    /// Rewrites the int8 file of `out` through `edit` (name -> tensor, nil to drop).
    func rewrite(_ out: TemporaryDirectory, _ edit: (String, Tensor) -> Tensor?) throws {
        let file = out.fileURL(CheckpointReader.singleFileName)
        let reader = try SafeTensorsFile(url: file)
        var tensors: [(name: String, tensor: Tensor)] = []
        for entry in reader.entries {
            // Raw bytes of every tensor, int8 ones as their scales' f32 twins would not load alone.
            let raw: Tensor
            if entry.dtype == .i8 {
                raw = try reader.tensor(entry.name, scales: try reader.tensor(entry.name + Q8.scaleSuffix))
            } else {
                raw = try reader.tensor(entry.name)
            }
            if let kept = edit(entry.name, raw.copy()) { tensors.append((entry.name, kept)) }
        }
        try SafeTensorsWriter.write(tensors, to: file)
    }

    @Test func aMissingOrMisshapenScaleIsNamed() throws {
        let (_, out) = try converted("gemma2-gqa")
        let victim = "model.layers.1.mlp.down_proj.weight"
        try rewrite(out) { name, t in name == victim + Q8.scaleSuffix ? nil : t }
        let missing = #expect(throws: CheckpointError.self) { try ModelLoader.load(directory: out.url) }
        #expect("\(missing!)".contains(victim + Q8.scaleSuffix))

        let (_, other) = try converted("gemma2-gqa")
        try rewrite(other) { name, t in
            name == victim + Q8.scaleSuffix ? Tensor(shape: [t.shape[0] * t.shape[1]], values: t.toArray()) : t
        }
        let misshapen = #expect(throws: CheckpointError.self) { try ModelLoader.load(directory: other.url) }
        #expect("\(misshapen!)".contains("int8 tensor '\(victim)'"))
    }
}
