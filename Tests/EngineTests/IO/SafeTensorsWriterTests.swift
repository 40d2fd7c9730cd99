import DuetCore
import Foundation
import Testing
@testable import Engine

@Suite struct SafeTensorsWriterTests {
    /// The tensors of `writer_reference()` in make_checkpoint_goldens.py, built from the same formulas.
    static var referenceTensors: [(name: String, tensor: Tensor)] {
        [
            ("zeta.f32", makeTensor([2, 3], (0..<6).map { Float($0) * 0.5 - 1 })),
            ("alpha.bf16", makeTensor([3], [1, -2, 3.5], dtype: .bf16)),
            ("mid.f16", makeTensor([5], [0.25, 65504, -0.0, 0x1p-24, 2], dtype: .f16)),
            ("scalar.f32", makeTensor([], [7])),
            ("empty.f32", Tensor(zeros: [0, 4])),
            ("beta.bf16", makeTensor([2, 1], [0.5, 0.75], dtype: .bf16)),
        ]
    }

    @Test func byteIdenticalToSafetensorsSaveFile() throws {
        let dir = TemporaryDirectory()
        let url = dir.fileURL("out.safetensors")
        try SafeTensorsWriter.write(Self.referenceTensors, to: url)
        let expected = try Data(contentsOf: CheckpointFixtures.root.appendingPathComponent("writer-reference.safetensors"))
        #expect(try Data(contentsOf: url) == expected)
    }

    @Test func roundTripsEveryDTypeScalarAndEmptyShapes() throws {
        let dir = TemporaryDirectory()
        let url = dir.fileURL("t.safetensors")
        let tensors = Self.referenceTensors + [("wide.bf16", makeTensor([3, 1, 2], [1, 2, 3, 4, 5, 6].map { $0 / 3 }, dtype: .bf16))]
        try SafeTensorsWriter.write(tensors, to: url, metadata: ["format": "pt", "note": "duet"])
        let file = try SafeTensorsFile(url: url)
        #expect(file.metadata == ["format": "pt", "note": "duet"])
        #expect(Set(file.tensorNames) == Set(tensors.map(\.name)))
        // File order: element size descending, then name (the reference implementation's order).
        #expect(file.tensorNames == ["empty.f32", "scalar.f32", "zeta.f32", "alpha.bf16", "beta.bf16", "wide.bf16", "mid.f16"])
        for (name, t) in tensors {
            let back = try file.tensor(name)
            #expect(back.dtype == t.dtype && back.shape == t.shape, "\(name)")
            #expect(back.toArray().map(\.bitPattern) == t.toArray().map(\.bitPattern), "\(name)")
        }
        let scalar = try #require(file.info("scalar.f32"))
        #expect(scalar.shape == [] && scalar.count == 1 && scalar.byteRange.count == 4)
        #expect(try file.tensor("scalar.f32").toArray() == [7])
        #expect(try file.tensor("empty.f32").count == 0)
        for name in file.tensorNames {
            let info = file.info(name)!
            #expect(info.byteRange.lowerBound % info.dtype.byteSize == 0, "\(name) aligned")
        }
    }

    @Test func headerIsPaddedWithSpacesToAMultipleOf8() throws {
        let dir = TemporaryDirectory()
        for length in 1...9 {
            let url = dir.fileURL("p\(length).safetensors")
            try SafeTensorsWriter.write([(String(repeating: "n", count: length), makeTensor([1], [1]))], to: url)
            let bytes = [UInt8](try Data(contentsOf: url))
            let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            #expect((8 + n) % 8 == 0)
            let header = bytes[8..<8 + n]
            let text = String(decoding: header, as: UTF8.self)
            #expect(text.hasPrefix("{\"__metadata__\":{\"format\":\"pt\"},"))
            let trimmed = text.reversed().drop { $0 == " " }
            #expect(trimmed.first == "}")
            #expect(text.count - trimmed.count < 8)
            #expect(bytes.count == 8 + n + 4)
        }
    }

    @Test func shardsAndIndexRoundTrip() throws {
        let dir = TemporaryDirectory()
        let tensors = (0..<5).map { i in ("layer.\(i).weight", makeTensor([4, 4], (0..<16).map { Float($0 + 16 * i) }, dtype: .bf16)) }
        // 32 bytes each; 80-byte shards hold two.
        try SafeTensorsWriter.writeCheckpoint(tensors, to: dir.url, maxShardBytes: 80)
        #expect(try dir.contents() == ["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                                       "model-00003-of-00003.safetensors", "model.safetensors.index.json"])
        let index = try JSONParser.parse(try Data(contentsOf: dir.fileURL("model.safetensors.index.json")))
        #expect(index["metadata"]?["total_size"] == .int(160))
        #expect(index["metadata"]?["total_parameters"] == .int(80))
        #expect(index["weight_map"]?["layer.4.weight"] == .string("model-00003-of-00003.safetensors"))
        let reader = try CheckpointReader(directory: dir.url)
        #expect(reader.tensorNames == tensors.map(\.0))
        for (name, t) in tensors { #expect(try reader.tensor(name).toArray() == t.toArray()) }
        #expect(reader.file(containing: "layer.2.weight")?.url.lastPathComponent == "model-00002-of-00003.safetensors")

        // Rewriting as one file replaces the shards and the index.
        try SafeTensorsWriter.writeCheckpoint(Array(tensors.prefix(2)), to: dir.url)
        #expect(try dir.contents() == ["model.safetensors"])
        #expect(try CheckpointReader(directory: dir.url).tensorNames == ["layer.0.weight", "layer.1.weight"])

        // And sharding again replaces the single file.
        try SafeTensorsWriter.writeCheckpoint(tensors, to: dir.url, maxShardBytes: 100)
        #expect(try dir.contents() == ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                                       "model.safetensors.index.json"])
    }

    @Test func aTensorLargerThanTheShardLimitGetsItsOwnShard() throws {
        let dir = TemporaryDirectory()
        let tensors = [("a", makeTensor([2], [1, 2])), ("big", Tensor(zeros: [64])), ("c", makeTensor([1], [3]))]
        try SafeTensorsWriter.writeCheckpoint(tensors, to: dir.url, maxShardBytes: 16)
        let reader = try CheckpointReader(directory: dir.url)
        #expect(reader.files.map(\.tensorNames) == [["a"], ["big"], ["c"]])
    }

    @Test func failureMidWriteLeavesTheOldFileIntact() throws {
        let dir = TemporaryDirectory()
        let url = dir.fileURL("model.safetensors")
        try SafeTensorsWriter.write([("old", makeTensor([2], [1, 2]))], to: url)
        let before = try Data(contentsOf: url)
        struct Boom: Error {}
        let specs = [TensorSpec(name: "a", dtype: .f32, shape: [1024]), TensorSpec(name: "b", dtype: .f32, shape: [1024])]
        var produced = 0
        #expect(throws: Boom.self) {
            try SafeTensorsWriter.write(specs, to: url) { spec in
                if spec.name == "b" { throw Boom() }  // after "a"'s 4 KB are already on disk
                produced += 1
                return Tensor(zeros: [1024])
            }
        }
        #expect(produced == 1)
        #expect(try Data(contentsOf: url) == before)
        #expect(try dir.contents() == ["model.safetensors"])  // the temporary file is gone
    }

    @Test func failureInALaterShardKeepsTheOldCheckpoint() throws {
        struct Boom: Error {}
        let specs = (0..<3).map { TensorSpec(name: "t\($0)", dtype: .f32, shape: [8]) }
        func failingWrite(_ dir: URL) {
            #expect(throws: Boom.self) {
                try SafeTensorsWriter.writeCheckpoint(specs, to: dir, maxShardBytes: 32) { spec in
                    if spec.name == "t2" { throw Boom() }  // shards 1 and 2 are already written
                    return Tensor(zeros: [8])
                }
            }
        }
        // Old checkpoint a single file.
        let single = TemporaryDirectory()
        try SafeTensorsWriter.writeCheckpoint([("old", makeTensor([2], [1, 2]))], to: single.url)
        failingWrite(single.url)
        #expect(try single.contents() == ["model.safetensors"])
        #expect(try CheckpointReader(directory: single.url).tensor("old").toArray() == [1, 2])

        // Old checkpoint sharded under the very names the new one uses.
        let sharded = TemporaryDirectory()
        let old = (0..<3).map { ("t\($0)", makeTensor([8], [Float](repeating: Float($0 + 1), count: 8))) }
        try SafeTensorsWriter.writeCheckpoint(old, to: sharded.url, maxShardBytes: 32)
        let before = try sharded.contents().map { try Data(contentsOf: sharded.fileURL($0)) }
        failingWrite(sharded.url)
        #expect(try sharded.contents().map { try Data(contentsOf: sharded.fileURL($0)) } == before)
        #expect(try CheckpointReader(directory: sharded.url).tensor("t2").toArray() == [Float](repeating: 3, count: 8))
    }

    @Test func producedTensorsMustMatchTheirSpecs() throws {
        let dir = TemporaryDirectory()
        let error = checkpointError {
            try SafeTensorsWriter.write([TensorSpec(name: "a", dtype: .bf16, shape: [2])], to: dir.fileURL("x.safetensors")) { _ in
                makeTensor([2], [1, 2])
            }
        }
        #expect(error?.kind == "invalidWrite")
        #expect(try dir.contents().isEmpty)
    }

    @Test func rejectsDuplicateAndReservedNames() throws {
        let dir = TemporaryDirectory()
        let t = makeTensor([1], [1])
        #expect(checkpointError { try SafeTensorsWriter.write([("a", t), ("a", t)], to: dir.fileURL("x")) }?.kind == "invalidWrite")
        #expect(checkpointError { try SafeTensorsWriter.write([("__metadata__", t)], to: dir.fileURL("x")) }?.kind == "invalidWrite")
        #expect(checkpointError { try SafeTensorsWriter.writeCheckpoint([("", t)], to: dir.url) }?.kind == "invalidWrite")
        #expect(try dir.contents().isEmpty)
    }

    @Test func atomicFileReplacesContents() throws {
        let dir = TemporaryDirectory()
        let url = dir.fileURL("a.txt")
        try AtomicFile.write(Data("one".utf8), to: url)
        try AtomicFile.write(Data("two".utf8), to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "two")
        #expect(try dir.contents() == ["a.txt"])
        let missing = #expect(throws: FileWriteError.self) { try AtomicFile.write(Data(), to: dir.fileURL("no/such/dir/a.txt")) }
        #expect(missing?.operation == "create temporary file")
        #expect(missing?.description == dir.fileURL("no/such/dir/a.txt").path + ": create temporary file failed: No such file or directory")
    }
}

/// The CheckpointError `body` throws, or nil (also for other errors).
func checkpointError(_ body: () throws -> Void) -> CheckpointError? {
    do {
        try body()
        return nil
    } catch let e as CheckpointError {
        return e
    } catch {
        return nil
    }
}
