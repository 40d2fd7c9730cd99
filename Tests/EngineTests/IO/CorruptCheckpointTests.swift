import Foundation
import Testing
@testable import Engine

/// Every way a safetensors file or checkpoint directory can be broken gives the right typed error,
/// naming the file (and tensor), and never a crash.
@Suite struct CorruptCheckpointTests {
    /// Opens `bytes` written to a file; returns the error and the file's path.
    func openError(_ bytes: Data) throws -> (CheckpointError?, String) {
        let dir = TemporaryDirectory()
        let url = dir.fileURL("bad.safetensors")
        try bytes.write(to: url)
        return (checkpointError { _ = try SafeTensorsFile(url: url) }, url.path)
    }

    func expectError(_ bytes: Data, _ kind: String, mentioning words: [String] = [],
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (error, path) = try openError(bytes)
        #expect(error?.kind == kind, "\(String(describing: error))", sourceLocation: sourceLocation)
        let text = error?.description ?? ""
        #expect(text.contains(path), "\(text)", sourceLocation: sourceLocation)
        for w in words { #expect(text.contains(w), "\(text) lacks \(w)", sourceLocation: sourceLocation) }
    }

    let good = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#

    @Test func validFileForComparison() throws {
        let (error, _) = try openError(rawSafeTensors(header: good, data: [UInt8](repeating: 0, count: 8)))
        #expect(error == nil)
    }

    @Test func truncatedFiles() throws {
        try expectError(Data(), "truncated")
        try expectError(Data([1, 0, 0]), "truncated")
        // The data region is cut short: the last tensor ends past the end of the file.
        try expectError(rawSafeTensors(header: good, data: [0, 0, 0, 0, 0]), "truncated")
    }

    @Test func headerLengthOutOfBounds() throws {
        try expectError(rawSafeTensors(header: good, declaredLength: 1 << 63), "badHeader", mentioning: ["100 MB"])
        try expectError(rawSafeTensors(header: good, declaredLength: .max), "badHeader")
        try expectError(rawSafeTensors(header: good, declaredLength: 1), "badHeader", mentioning: ["less than 2"])
        try expectError(rawSafeTensors(header: good, declaredLength: 100_000_001), "badHeader")
        // Plausible length, but longer than the file.
        try expectError(rawSafeTensors(header: good, data: [UInt8](repeating: 0, count: 8), declaredLength: 4096), "truncated")
    }

    @Test func headerNotAJSONObject() throws {
        try expectError(rawSafeTensors(header: "not json at all"), "badHeader", mentioning: ["JSON"])
        try expectError(rawSafeTensors(header: "[1, 2]"), "badHeader", mentioning: ["not a JSON object"])
        try expectError(rawSafeTensors(header: #"{"a": 1,}"#), "badHeader")
        var bytes = rawSafeTensors(header: #"{"a\#u{00e9}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#)
        bytes[bytes.firstIndex(of: 0xC3)!] = 0xFF  // invalid UTF-8 inside a string
        try expectError(bytes, "badHeader", mentioning: ["UTF-8"])
        try expectError(rawSafeTensors(header: #"{"__metadata__":{"format":5}}"#), "badHeader", mentioning: ["__metadata__"])
        let twice = #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#
        try expectError(rawSafeTensors(header: twice), "badHeader", mentioning: ["duplicate"])
    }

    @Test func badEntries() throws {
        func entry(_ body: String, data: Int = 8) -> Data {
            rawSafeTensors(header: #"{"t":{\#(body)}}"#, data: [UInt8](repeating: 0, count: data))
        }
        try expectError(entry(#""shape":[2],"data_offsets":[0,8]"#), "badHeader", mentioning: ["'t'", "dtype"])
        try expectError(entry(#""dtype":"Q9","shape":[2],"data_offsets":[0,8]"#), "badHeader", mentioning: ["unknown dtype"])
        try expectError(entry(#""dtype":"F32","shape":[-2],"data_offsets":[0,8]"#), "badHeader", mentioning: ["shape"])
        try expectError(entry(#""dtype":"F32","shape":[2.5],"data_offsets":[0,8]"#), "badHeader", mentioning: ["shape"])
        try expectError(entry(#""dtype":"F32","shape":[2],"data_offsets":[8,0]"#), "badHeader", mentioning: ["data_offsets"])
        try expectError(entry(#""dtype":"F32","shape":[2],"data_offsets":[0]"#), "badHeader", mentioning: ["data_offsets"])
        try expectError(entry(#""dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]"#), "badHeader")
        try expectError(entry(#""dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551615]"#), "badHeader")
    }

    @Test func offsetsPastTheEnd() throws {
        let h = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#
        try expectError(rawSafeTensors(header: h, data: [UInt8](repeating: 0, count: 8)), "truncated")
    }

    @Test func overlappingGappedAndTrailingData() throws {
        let overlap = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        try expectError(rawSafeTensors(header: overlap, data: [UInt8](repeating: 0, count: 12)), "badHeader",
                        mentioning: ["overlaps", "'a'", "'b'"])
        let same = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[4],"data_offsets":[0,8]}}"#
        try expectError(rawSafeTensors(header: same, data: [UInt8](repeating: 0, count: 8)), "badHeader", mentioning: ["overlaps"])
        let gap = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        try expectError(rawSafeTensors(header: gap, data: [UInt8](repeating: 0, count: 12)), "badHeader", mentioning: ["gap"])
        try expectError(rawSafeTensors(header: good, data: [UInt8](repeating: 0, count: 12)), "badHeader", mentioning: ["after the last"])
    }

    @Test func wrongSizeForShape() throws {
        let h = #"{"a":{"dtype":"BF16","shape":[3],"data_offsets":[0,8]}}"#
        try expectError(rawSafeTensors(header: h, data: [UInt8](repeating: 0, count: 8)), "badHeader",
                        mentioning: ["'a'", "8 bytes", "needs 6"])
    }

    @Test func unsupportedDTypeIsListedButNotRead() throws {
        let dir = TemporaryDirectory()
        let url = dir.fileURL("ids.safetensors")
        let h = #"{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"w":{"dtype":"F32","shape":[1],"data_offsets":[16,20]}}"#
        try rawSafeTensors(header: h, data: [UInt8](repeating: 0, count: 20)).write(to: url)
        let file = try SafeTensorsFile(url: url)
        #expect(file.tensorNames == ["ids", "w"])
        #expect(file.entry("ids")?.dtypeName == "I64")
        #expect(file.entry("ids")?.shape == [2])
        #expect(file.info("ids") == nil)
        #expect(file.info("w")?.dtype == .f32)
        let error = checkpointError { _ = try file.tensor("ids") }
        #expect(error?.kind == "unsupportedDType")
        #expect(error?.description.contains("'ids'") == true && error?.description.contains("I64") == true)
        #expect(error?.description.contains(url.path) == true)
        #expect(checkpointError { _ = try file.tensor("nope") }?.kind == "missingTensor")
    }

    @Test func scalarShapeHasOneElement() throws {
        let dir = TemporaryDirectory()
        let url = dir.fileURL("s.safetensors")
        let h = #"{"s":{"dtype":"F16","shape":[],"data_offsets":[0,2]}}"#
        try rawSafeTensors(header: h, data: [0x00, 0x3C]).write(to: url)  // 1.0 in f16
        #expect(try SafeTensorsFile(url: url).tensor("s").toArray() == [1])
    }

    @Test func misalignedTensorsAreCopiedNotMisread() throws {
        let dir = TemporaryDirectory()
        let url = dir.fileURL("m.safetensors")
        // Hand-made header of odd length without padding: the f32 data starts at an odd address.
        let h = #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} "#
        #expect((8 + h.utf8.count) % 4 != 0)
        let one = Array(withUnsafeBytes(of: Float(1.5).bitPattern.littleEndian) { Array($0) })
        try rawSafeTensors(header: h, data: one).write(to: url)
        #expect(try SafeTensorsFile(url: url).tensor("x").toArray() == [1.5])
    }

    @Test func directoriesWithoutWeightsOrWithBadIndexes() throws {
        let dir = TemporaryDirectory()
        #expect(checkpointError { _ = try CheckpointReader(directory: dir.url) }?.kind == "noWeights")

        let index = dir.fileURL("model.safetensors.index.json")
        try Data(#"{"weight_map":{"a":"model-00001-of-00002.safetensors"}}"#.utf8).write(to: index)
        let missingShard = checkpointError { _ = try CheckpointReader(directory: dir.url) }
        #expect(missingShard?.kind == "io")
        #expect(missingShard?.description.contains("model-00001-of-00002.safetensors") == true)

        try Data(#"{"weight_map":{"a":"../../etc/passwd"}}"#.utf8).write(to: index)
        #expect(checkpointError { _ = try CheckpointReader(directory: dir.url) }?.kind == "badIndex")
        try Data(#"{"metadata":{}}"#.utf8).write(to: index)
        #expect(checkpointError { _ = try CheckpointReader(directory: dir.url) }?.kind == "badIndex")
        try Data("{".utf8).write(to: index)
        #expect(checkpointError { _ = try CheckpointReader(directory: dir.url) }?.kind == "badIndex")

        // The index names a tensor its shard does not hold.
        try SafeTensorsWriter.write([("b", makeTensor([1], [1]))], to: dir.fileURL("shard.safetensors"))
        try Data(#"{"weight_map":{"a":"shard.safetensors"}}"#.utf8).write(to: index)
        let absent = checkpointError { _ = try CheckpointReader(directory: dir.url) }
        #expect(absent?.kind == "badIndex")
        #expect(absent?.description.contains("'a'") == true)

        // A corrupt shard names the shard.
        try Data([1, 2, 3]).write(to: dir.fileURL("shard.safetensors"))
        let corrupt = checkpointError { _ = try CheckpointReader(directory: dir.url) }
        #expect(corrupt?.kind == "truncated")
        #expect(corrupt?.description.contains("shard.safetensors") == true)
    }

    @Test func missingTensorFromAReader() throws {
        let reader = try CheckpointReader(directory: CheckpointFixtures.gemma2)
        let error = checkpointError { _ = try reader.tensor("lm_head.weight") }
        #expect(error?.kind == "missingTensor")
        #expect(error?.description.contains("lm_head.weight") == true)
        #expect(!reader.contains("lm_head.weight") && reader.info("lm_head.weight") == nil)
    }
}
