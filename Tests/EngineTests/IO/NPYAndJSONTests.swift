import DuetCore
import Foundation
import Testing
@testable import Engine

@Suite struct NPYTests {
    @Test func roundTripsShapesIncludingScalarAndEmpty() throws {
        let dir = TemporaryDirectory()
        for (shape, values) in [([2, 3], (0..<6).map { Float($0) - 2.5 }), ([], [4.25]), ([0, 3], []), ([5], [1, 2, 3, 4, 5])] {
            let url = dir.fileURL("t.npy")
            try NPY.write(makeTensor(shape, values), to: url)
            let back = try NPY.read(url)
            #expect(back.shape == shape && back.toArray() == values)
            let bytes = [UInt8](try Data(contentsOf: url))
            let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            #expect((10 + headerLength) % 64 == 0 && bytes[10 + headerLength - 1] == 0x0A)
        }
        try NPY.write(makeTensor([3], [1, 0.5, -2], dtype: .bf16), to: dir.fileURL("w.npy"))  // widened to f32
        #expect(try NPY.read(dir.fileURL("w.npy")).toArray() == [1, 0.5, -2])
    }

    @Test func readsWhatNumpyWrote() throws {
        let t = try NPY.read(CheckpointFixtures.root.appendingPathComponent("reference/t5gemma.decoder.layers.1.cross_attn.k_proj.npy"))
        #expect(t.shape == [8, 16] && t.dtype == .f32)
    }

    @Test func malformedFiles() throws {
        let dir = TemporaryDirectory()
        let url = dir.fileURL("bad.npy")
        func error(_ bytes: [UInt8]) throws -> CheckpointError? {
            try Data(bytes).write(to: url)
            return checkpointError { _ = try NPY.read(url) }
        }
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        func header(_ text: String) -> [UInt8] { magic + [UInt8(text.utf8.count), 0] + Array(text.utf8) }
        #expect(try error(Array("hello".utf8))?.kind == "badNPY")
        #expect(try error(header("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }") + [UInt8](repeating: 0, count: 8))?.kind == "badNPY")
        #expect(try error(header("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }") + [0, 0, 0, 0])?.kind == "badNPY")
        #expect(try error(header("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }") + [0, 0, 0, 0])?.kind == "truncated")
        #expect(try error(magic + [200, 0])?.kind == "truncated")
    }
}

@Suite struct JSONTests {
    @Test func keepsKeyOrderAndExactIntegers() throws {
        let v = try JSONParser.parse(Array(#"{"b": 9007199254740993, "a": [1.5, -0, true, null, "x"], "c": 1e400}"#.utf8))
        guard case let .object(members) = v else { Issue.record("not an object"); return }
        #expect(members.map(\.0) == ["b", "a", "c"])
        #expect(v["b"] == .int(9_007_199_254_740_993))  // 2^53 + 1 survives
        #expect(v["a"] == .array([.double(1.5), .int(0), .bool(true), .null, .string("x")]))
        #expect(v["c"] == .double(.infinity))
        #expect(try JSONParser.parse(Array("18446744073709551616".utf8)) == .double(18_446_744_073_709_551_616))
    }

    @Test func decodesEscapesAndSurrogates() throws {
        let v = try JSONParser.parse(Array(#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#.utf8))
        #expect(v == .string("a\"\\/\u{08}\u{0C}\n\r\té😀"))
        #expect(JSONWriter.string(v, indent: nil) == #""a\"\\/\b\f\n\r\té😀""#)
    }

    @Test func rejectsInvalidJSON() throws {
        for bad in ["", "{", "[1,]", #"{"a":1,}"#, "01", "1.", "-", "tru", #""\ud800""#, #""\x""#,
                    "\"\u{01}\"", "[1] [2]", "NaN", String(repeating: "[", count: 600) + String(repeating: "]", count: 600)] {
            #expect(throws: JSONParseError.self, "\(bad)") { _ = try JSONParser.parse(Array(bad.utf8)) }
        }
        #expect(throws: JSONParseError.self) { _ = try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }  // invalid UTF-8
        // Repeated keys: Python's last-wins by default, an error where ambiguity matters.
        let twice = Array(#"{"a":1,"b":2,"a":3}"#.utf8)
        let lastWins = try JSONParser.parse(twice)
        #expect(lastWins == .object([("a", .int(3)), ("b", .int(2))]))
        if case let .object(members) = lastWins { #expect(members.map(\.0) == ["a", "b"]) }  // at the first key's place
        #expect(throws: JSONParseError.self) { _ = try JSONParser.parse(twice, rejectDuplicateKeys: true) }
    }

    @Test func writesLikePythonJSONDumps() {
        let v = JSONValue.object([("a", .array([.int(1), .double(2)])), ("b", .object([])), ("c", .double(1e-6)), ("d", .array([]))])
        #expect(JSONWriter.string(v) == "{\n  \"a\": [\n    1,\n    2.0\n  ],\n  \"b\": {},\n  \"c\": 1e-06,\n  \"d\": []\n}")
        #expect(JSONWriter.string(v, indent: nil) == #"{"a":[1,2.0],"b":{},"c":1e-06,"d":[]}"#)
    }
}
