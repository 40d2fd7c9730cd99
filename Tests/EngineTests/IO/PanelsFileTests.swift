import DuetCore
import Tokenizers
import Foundation
import Testing
@testable import Engine

/// bf16 matrices stored packed in panels on disk (`duet convert --layout panels`, ``PanelsMetadata``):
/// loaded ready to use, the same bytes in memory as packing at load, and back to the Hugging Face file
/// bit for bit.
@Suite struct PanelsFileTests {
    /// `golden` converted to bf16 row-major and to bf16 panels.
    func convertedPair(_ golden: String, maxShardBytes: Int = 4 << 30) throws -> (rowMajor: TemporaryDirectory, panels: TemporaryDirectory) {
        let rowMajor = TemporaryDirectory(), panels = TemporaryDirectory()
        let source = try ModelGolden(golden).directory
        _ = try CheckpointConverter.convert(from: source, to: rowMajor.url, dtype: .bf16)
        let report = try CheckpointConverter.convert(from: source, to: panels.url, dtype: .bf16, layout: .bf16Panels,
                                                     maxShardBytes: maxShardBytes)
        #expect(report.packedTensors > 0)
        return (rowMajor, panels)
    }

    /// Every parameter's stored bytes (a packed matrix's panels included).
    func storedBytes(_ store: ParameterStore) -> [String: [UInt8]] {
        Dictionary(uniqueKeysWithValues: store.names.map { name in
            let t = store[name]
            return (name, Array(UnsafeRawBufferPointer(start: t.raw, count: t.byteCount)))
        })
    }

    @Test(arguments: ["gemma2-gqa", "gemma3-qknorm", "t5gemma-unbalanced", "t5gemma2-merged"])
    func loadsPackedWithoutPackingAndMatchesPackingAtLoad(golden name: String) throws {
        let (rowMajor, panels) = try convertedPair(name)
        let file = try SafeTensorsFile(url: panels.fileURL(CheckpointReader.singleFileName))
        #expect(file.metadata[PanelsMetadata.key] != nil)
        let packedEntries = file.entries.filter { $0.layout == .bf16Panels }
        #expect(!packedEntries.isEmpty && packedEntries.allSatisfy { $0.shape.count == 2 && $0.dtypeName == "BF16" })
        #expect(file.entries.filter { $0.shape.count == 1 }.allSatisfy { $0.layout == .rowMajor })  // norm weights

        let mapped = try ModelLoader.load(directory: panels.url)  // no packBF16: the file is packed already
        let packedAtLoad = try ModelLoader.load(directory: rowMajor.url, packBF16: true)
        let store = mapped.model.parameters
        #expect(store.names == packedAtLoad.model.parameters.names)
        for name in store.names { #expect(store[name].layout == packedAtLoad.model.parameters[name].layout, "\(name)") }
        #expect(storedBytes(store) == storedBytes(packedAtLoad.model.parameters))

        let prompt: [TokenID] = [2, 5, 9, 4, 7, 3, 8, 6, 11, 10, 12, 14, 13]
        let settings = SamplingParameters(maxNewTokens: 12, ignoreEOS: true)
        let a = try mapped.model.generate(prompt: prompt, parameters: settings, stopTokens: [], cancel: nil, onToken: { _ in })
        let b = try ModelLoader.load(directory: rowMajor.url).model.generate(
            prompt: prompt, parameters: settings, stopTokens: [], cancel: nil, onToken: { _ in })
        #expect(a.tokens == b.tokens && a.tokens.count == 12)
    }

    @Test func convertsBackToTheHuggingFaceFileBitForBit() throws {
        let (rowMajor, panels) = try convertedPair("gemma2-gqa")
        let back = TemporaryDirectory()
        let report = try CheckpointConverter.convert(from: panels.url, to: back.url, dtype: nil, layout: .rowMajor)
        #expect(report.packedTensors == 0)
        let name = CheckpointReader.singleFileName
        #expect(try Data(contentsOf: back.fileURL(name)) == (try Data(contentsOf: rowMajor.fileURL(name))))
        // Without --layout a conversion keeps the packing; to f32 it cannot, and unpacks.
        let kept = TemporaryDirectory(), wide = TemporaryDirectory()
        let keptReport = try CheckpointConverter.convert(from: panels.url, to: kept.url, dtype: nil)
        #expect(keptReport.packedTensors == (try SafeTensorsFile(url: panels.fileURL(name))).entries.filter { $0.layout == .bf16Panels }.count)
        let wideReport = try CheckpointConverter.convert(from: panels.url, to: wide.url, dtype: .f32)
        #expect(wideReport.packedTensors == 0)
        let f32 = try CheckpointReader(directory: wide.url), original = try CheckpointReader(directory: rowMajor.url)
        for tensor in original.tensorNames {
            #expect(try f32.tensor(tensor).toArray() == (try original.tensor(tensor)).toArray(), "\(tensor)")
        }
    }

    @Test func trainsAndQuantizesFromAPackedFileAsFromTheRowMajorOne() throws {
        let (rowMajor, panels) = try convertedPair("t5gemma-unbalanced", maxShardBytes: 1 << 14)
        #expect(try CheckpointReader(directory: panels.url).files.count > 1)  // shards each list their packed tensors
        let trainable = try ModelLoader.load(directory: panels.url, trainable: true)
        let reference = try ModelLoader.load(directory: rowMajor.url, trainable: true)
        #expect(trainable.model.parameters.flat!.toArray() == reference.model.parameters.flat!.toArray())
        let q8 = try ModelLoader.load(directory: panels.url, quantization: .int8)
        let q8Reference = try ModelLoader.load(directory: rowMajor.url, quantization: .int8)
        let (store, referenceStore) = (q8.model.parameters, q8Reference.model.parameters)
        let (bytes, referenceBytes) = (storedBytes(store), storedBytes(referenceStore))
        #expect(store.names.contains { store[$0].dtype == .i8 })
        for name in store.names {
            #expect(store[name].dtype == referenceStore[name].dtype, "\(name)")
            if store[name].layout == referenceStore[name].layout {
                #expect(bytes[name] == referenceBytes[name], "\(name)")
            } else {
                // A matrix int8 cannot take (rows not in whole blocks) stays bf16, packed as stored.
                #expect(store[name].dtype == .bf16 && store[name].toArray() == referenceStore[name].toArray(), "\(name)")
            }
            if store[name].dtype == .i8 { #expect(store[name].scales!.toArray() == referenceStore[name].scales!.toArray(), "\(name)") }
        }
    }

    @Test func refusesPanelsWithoutBF16Matrices() throws {
        let f32 = TemporaryDirectory(), out = TemporaryDirectory()
        _ = try CheckpointConverter.convert(from: try ModelGolden("gemma2-gqa").directory, to: f32.url, dtype: .f32)
        #expect(throws: CheckpointError.self) {
            try CheckpointConverter.convert(from: f32.url, to: out.url, dtype: nil, layout: .bf16Panels)
        }
        #expect(!FileManager.default.fileExists(atPath: out.fileURL(CheckpointReader.singleFileName).path))
    }

    /// A file whose metadata lists packed tensors wrongly is refused at open, naming the file and tensor.
    @Test(arguments: [
        ("{\"w\": 20}", nil),
        ("{\"w\": 40}", "tensor 'w' is listed as 40 rows"),
        ("{\"w\": 20, \"v\": 3}", "lists 'v'"),
        ("{\"w\": 0}", "no positive row count"),
        ("[20]", "not an object"),
        ("{w", "not valid JSON"),
    ] as [(String, String?)])
    func checksTheMetadataAgainstTheStoredShapes(value: String, problem: String?) throws {
        let dir = TemporaryDirectory()
        let url = dir.fileURL("model.safetensors")
        let stored = Tensor(zeros: [2, 32, 16], dtype: .bf16)
        try SafeTensorsWriter.write([("w", stored), ("n", Tensor(zeros: [32], dtype: .f32))], to: url,
                                    metadata: ["format": "pt", PanelsMetadata.key: value])
        do {
            let file = try SafeTensorsFile(url: url)
            #expect(problem == nil)
            #expect(file.entry("w")?.shape == [20, 32] && file.entry("w")?.layout == .bf16Panels)
            #expect(file.entry("n")?.layout == .rowMajor)
            let w = try file.tensor("w")
            #expect(w.layout == .bf16Panels && w.shape == [20, 32] && w.byteCount == stored.byteCount)
        } catch let error as CheckpointError {
            let text = String(describing: error)
            #expect(problem.map { text.contains($0) && text.contains(url.path) } == true, "\(text)")
        }
    }
}
