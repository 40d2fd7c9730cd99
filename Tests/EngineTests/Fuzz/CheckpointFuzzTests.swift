import DuetCore
import Foundation
import FuzzSupport
import Testing
@testable import Engine

/// Mutation fuzzing of the checkpoint file parsers: the safetensors header (and, for headers that
/// validate, opening the mapped file and reading every tensor) and `.npy`. Every input must end in a
/// value or a thrown error, within a second, without growing the peak RSS by a gigabyte: a corrupt
/// or hostile file must never crash `duet` or make it allocate what a length field claims.
@Suite struct CheckpointFuzzTests {
    /// The JSON headers of real safetensors files (the mutator edits the JSON; `prepare` rebuilds a file).
    static let headerSeeds: [[UInt8]] = [
        "Tests/Fixtures/checkpoints/writer-reference.safetensors",
        "Tests/Fixtures/models/gemma2-mha/model.safetensors",
    ].map { path in
        let file = repositoryFile(path)
        let length = (0..<8).reduce(0) { $0 | Int(file[$1]) << (8 * $1) }
        return Array(file[8..<(8 + length)])
    }

    /// The data region size a header needs: its largest `data_offsets` end (0 when none parse).
    static func dataSize(for header: [UInt8]) -> Int {
        guard case let .object(members)? = try? JSONParser.parse(header) else { return 0 }
        var end = 0
        for (_, v) in members {
            if case let .array(o)? = v["data_offsets"], o.count == 2, case let .int(e) = o[1] { end = max(end, e) }
        }
        return end
    }

    /// Wraps a mutated header into a file: usually the true length and the data size the offsets
    /// need (so mutants get past the first checks), sometimes a length or size that lies.
    static func makeFile(_ header: inout [UInt8], _ rng: inout SplitMix64) {
        let lies: [UInt64] = [0, 1, 2, 7, 100_000_000, 100_000_001, UInt64(Int.max), UInt64(Int.max) + 1, .max,
                              UInt64(header.count) + 1, UInt64(max(0, header.count - 1))]
        let length = rng.chance(80) ? UInt64(header.count) : lies[rng.below(lies.count)]
        let needed = dataSize(for: header)
        // The data region is written only when small: a header claiming terabytes gets a short file.
        let size = rng.chance(75) && needed <= 1 << 20 ? needed : [0, 1, 8, 48, rng.below(4096)][rng.below(5)]
        var file = (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) }
        file += header
        file += [UInt8](repeating: 0x3F, count: size)
        header = file
    }

    /// Hand-made files for the size checks: lengths beyond the file, the 100 MB limit and Int.max,
    /// offsets and shapes that overflow when multiplied or made absolute.
    static let craftedFiles: [[UInt8]] = {
        func file(_ header: String, length: UInt64? = nil, data: Int = 0) -> [UInt8] {
            let h = Array(header.utf8)
            let n = length ?? UInt64(h.count)
            return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + h + [UInt8](repeating: 0, count: data)
        }
        let big = "9223372036854775807"
        return [
            [], [1, 2, 3], file("{}", length: .max), file("{}", length: 1 << 63), file("{}", length: 99_999_999),
            file("{}", length: 0), file("{}"), file(#"{"a":{"dtype":"F32","shape":[\#(big),\#(big)],"data_offsets":[0,8]}}"#),
            file(#"{"a":{"dtype":"F32","shape":[0,\#(big),\#(big)],"data_offsets":[0,0]}}"#),
            file(#"{"a":{"dtype":"U8","shape":[\#(big)],"data_offsets":[0,\#(big)]}}"#, data: 8),
            file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[\#(big),\#(big)]}}"#),
            file(#"{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,1]}}"#, data: 1),
            file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: 4),
            file(String(repeating: "[", count: 100_000)), file("{\"__metadata__\":" + String(repeating: "{\"a\":", count: 600) + "1"),
        ]
    }()

    static let dictionary = ["\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"", "\"F32\"", "\"BF16\"",
                             "\"F16\"", "\"I64\"", "\"F4\"", "\"F6_E2M3\"", "\"BOOL\"", "[]", "[0]", "{}", "null", "true",
                             "-1", "4294967296", "9223372036854775807"]

    @Test func safetensorsHeadersNeverCrashHangOrBalloon() throws {
        let dir = TemporaryDirectory()
        var opened = 0
        let report = fuzz("safetensors", seeds: Self.headerSeeds, extra: Self.craftedFiles, count: 3000, style: .json,
                          dictionary: Self.dictionary, prepare: Self.makeFile) { file in
            let parsed = try file.withUnsafeBytes { try SafeTensorsHeader.parse($0, fileSize: file.count, file: "fuzz") }
            // A header that validates must describe only bytes inside the file.
            for e in parsed.entries {
                #expect(e.byteRange.lowerBound >= parsed.dataStart && e.byteRange.upperBound <= file.count)
            }
            // Accepted files also go through the real mmap path and have each tensor read.
            guard opened < 500 else { return }
            opened += 1
            let url = dir.fileURL("m.safetensors")
            try Data(file).write(to: url)
            let mapped = try SafeTensorsFile(url: url)
            #expect(mapped.entries == parsed.entries)
            for e in mapped.entries where e.dtype != nil {
                let t = try mapped.tensor(e.name)
                #expect(t.shape == e.shape)
                if t.count > 0 { _ = t.converted(to: .f32) }
            }
        }
        #expect(report.slowest < 1.0, "\(report)")
        #expect(report.peakGrowth < fuzzMemoryLimit, "\(report)")
        // Mutants must reach past the length checks, or the fuzzing is testing nothing.
        #expect(report.accepted > 50 && report.rejected > 1000, "\(report)")
    }

    /// `.npy` seeds: the two numpy-written references plus an f8 and an f2 file and a version-2 header.
    static let npySeeds: [[UInt8]] = {
        func npy(_ header: String, version: UInt8 = 1, data: [UInt8]) -> [UInt8] {
            let h = Array(header.utf8)
            let length = version == 1 ? [UInt8(h.count & 0xFF), UInt8(h.count >> 8)]
                : [UInt8(h.count & 0xFF), UInt8(h.count >> 8 & 0xFF), 0, 0]
            return [0x93] + Array("NUMPY".utf8) + [version, 0] + length + h + data
        }
        return [
            repositoryFile("Tests/Fixtures/checkpoints/reference/t5gemma.decoder.layers.1.cross_attn.k_proj.npy"),
            repositoryFile("Tests/Fixtures/checkpoints/reference/gemma2.layers.1.mlp.down_proj.npy"),
            npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }\n", data: [UInt8](repeating: 0x40, count: 32)),
            npy("{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }\n", version: 2, data: [0, 0x3C, 0, 0x40, 0, 0x7C]),
            npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }\n", version: 3, data: [0, 0, 0x80, 0x3F]),
        ]
    }()

    @Test func npyNeverCrashesHangsOrBalloons() {
        let huge = [0x93] + Array("NUMPY".utf8) + [2, 0, 0xFF, 0xFF, 0xFF, 0xFF]
        let claims = [0x93] + Array("NUMPY".utf8) + [1, 0, 60, 0]
            + Array("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 1099511627775, 1099511627775), }".utf8)
        let report = fuzz("npy", seeds: Self.npySeeds, extra: [[], huge, claims], count: 3000,
                          dictionary: ["'descr'", "'<f8'", "'<f2'", "'<f4'", "'>f4'", "'shape'", "(", ")", ",", "()",
                                       "False", "True", "'fortran_order'", "1099511627775", "-1", "}"]) { bytes in
            let t = try bytes.withUnsafeBytes { try NPY.read(bytes: $0, file: "fuzz.npy") }
            // Every element read must have come from the file (no tensor bigger than the data).
            #expect(t.count * 2 <= bytes.count)
        }
        #expect(report.slowest < 1.0, "\(report)")
        #expect(report.peakGrowth < fuzzMemoryLimit, "\(report)")
        #expect(report.accepted > 50 && report.rejected > 1000, "\(report)")
    }
}
