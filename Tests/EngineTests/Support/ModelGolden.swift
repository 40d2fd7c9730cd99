import Foundation
import Testing
@testable import Engine
@testable import Tokenizers

/// Root of the committed fixtures (Tests/Fixtures), found from this source file.
func fixturesDirectory() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")
}

/// A fixture that is not what its test expects.
enum GoldenError: Error {
    case wrongArchitecture(String)
}

/// A golden case written by tools/golden/make_model_goldens.py from a tiny random HF model.
struct ModelGolden {
    let directory: URL
    let json: [String: Any]
    let tensors: SafeTensorsFile

    init(_ name: String) throws {
        directory = fixturesDirectory().appendingPathComponent("models").appendingPathComponent(name)
        let data = try Data(contentsOf: directory.appendingPathComponent("golden.json"))
        json = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        tensors = try SafeTensorsFile(url: directory.appendingPathComponent("golden.safetensors"))
    }

    func ids(_ key: String) throws -> [[TokenID]] {
        let rows = try #require(json[key] as? [[Int]], "golden.json has no \(key)")
        return rows.map { $0.map { TokenID($0) } }
    }

    /// Rows of `key` cut to the lengths given by the mask `maskKey` (right padding).
    func sequences(_ key: String, mask maskKey: String) throws -> [[TokenID]] {
        let ids = try self.ids(key), mask = try self.ids(maskKey)
        return zip(ids, mask).map { row, m in Array(row.prefix(m.reduce(0) { $0 + Int($1) })) }
    }

    var loss: Double { (json["loss"] as? Double) ?? .nan }

    func greedy(_ key: String) -> [TokenID] {
        ((json["greedy"] as? [String: Any])?[key] as? [Int] ?? []).map { TokenID($0) }
    }

    /// Loads the model's parameters as f32 (trainable copy) from model.safetensors.
    func parameters(layout: [(name: String, shape: [Int])]) throws -> ParameterStore {
        let reader = try CheckpointReader(directory: directory)
        let named = try layout.map { entry -> (name: String, tensor: Tensor) in
            let t = try reader.tensor(entry.name)
            try t.check(shape: entry.shape, entry.name)
            return (entry.name, t)
        }
        return ParameterStore(trainableCopyOf: named)
    }
}

/// Largest absolute difference and the relative norm error ||a - b|| / ||b||.
func compare(_ a: [Float], _ b: [Float]) -> (maxAbs: Float, relative: Double) {
    precondition(a.count == b.count, "compare: \(a.count) vs \(b.count) elements")
    var maxAbs: Float = 0
    var diff2 = 0.0, ref2 = 0.0
    for i in a.indices {
        let d = a[i] - b[i]
        maxAbs = max(maxAbs, abs(d))
        diff2 += Double(d) * Double(d)
        ref2 += Double(b[i]) * Double(b[i])
    }
    return (maxAbs, ref2 > 0 ? (diff2 / ref2).squareRoot() : diff2.squareRoot())
}

extension ModelGolden {
    /// Every parameter's gradient against PyTorch's: relative (norm-wise) error below 1e-4.
    func expectGradients(_ grads: GradientStore, of parameters: ParameterStore,
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        for name in parameters.names {
            let expected = try tensors.tensor("grad." + name).toArray()
            let actual = try #require(grads.tensor(name), sourceLocation: sourceLocation).toArray()
            let r = compare(actual, expected)
            #expect(r.relative < 1e-4, "gradient of \(name): relative error \(r.relative), max abs \(r.maxAbs)",
                    sourceLocation: sourceLocation)
        }
    }

    /// The largest |difference| between rows of `actual` and of the golden tensor `key` (rows of
    /// `width` values), over the rows marked valid: padded positions are not compared (HF gives
    /// fully masked rows a uniform average that means nothing).
    func worstRowDifference(_ actual: [Float], key: String, width: Int, valid: [Bool]) throws -> Float {
        let expected = try tensors.tensor(key).toArray()
        var worst: Float = 0
        for row in valid.indices where valid[row] {
            let r = row * width..<(row + 1) * width
            worst = max(worst, compare(Array(actual[r]), Array(expected[r])).maxAbs)
        }
        return worst
    }
}

extension ModelGolden {
    /// The golden fixture `name` loaded as a Gemma 2 model.
    static func gemma2Model(_ name: String) throws -> Gemma2Model {
        let golden = try ModelGolden(name)
        guard case let .gemma2(config) = try ModelConfigFile.load(directory: golden.directory) else {
            throw GoldenError.wrongArchitecture(name)
        }
        return Gemma2Model(config: config, parameters: try golden.parameters(layout: Gemma2Model.layout(config)))
    }

    /// The golden fixture `name` loaded as a T5Gemma model.
    static func t5gemmaModel(_ name: String) throws -> T5GemmaModel {
        let golden = try ModelGolden(name)
        guard case let .t5gemma(config) = try ModelConfigFile.load(directory: golden.directory) else {
            throw GoldenError.wrongArchitecture(name)
        }
        return T5GemmaModel(config: config, parameters: try golden.parameters(layout: T5GemmaModel.layout(config)))
    }
}
