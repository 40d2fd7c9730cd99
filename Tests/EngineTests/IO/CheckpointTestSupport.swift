import Foundation
@testable import Engine
@_exported import TestSupport

/// Paths of the checkpoint goldens (tools/golden/make_checkpoint_goldens.py).
enum CheckpointFixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/checkpoints")
    static let gemma2 = root.appendingPathComponent("gemma2-bf16-sharded")
    static let t5gemma = root.appendingPathComponent("t5gemma-f32")
}

/// Builds raw safetensors bytes from a header text and a data region, for corrupt-file tests.
func rawSafeTensors(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
    var out = Data()
    var length = (declaredLength ?? UInt64(header.utf8.count)).littleEndian
    withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
    out.append(contentsOf: Array(header.utf8))
    out.append(contentsOf: data)
    return out
}

/// A tensor of `dtype` holding `values` (rounded to the dtype).
func makeTensor(_ shape: [Int], _ values: [Float], dtype: DType = .f32) -> Tensor {
    let t = Tensor(shape: shape, values: values)
    return dtype == .f32 ? t : t.converted(to: dtype)
}

/// The tiny Gemma 2 of the fixtures, as a config.
let tinyGemma2 = Gemma2Config(vocabSize: 64, hiddenSize: 16, intermediateSize: 32, numLayers: 2, numHeads: 2,
                              numKVHeads: 1, headDim: 8, queryPreAttnScalar: 8, slidingWindow: 4,
                              eosTokenIDs: [1, 7], torchDtype: .bf16)

extension CheckpointError {
    /// The case name, for `#expect(error.kind == "truncated")`.
    var kind: String { String(String(describing: Mirror(reflecting: self).children.first?.label ?? "\(self)")) }
}
