import Foundation
import Testing
@testable import Engine

/// XXH64 against the reference implementation (values from tools/golden/xxhash64_vectors.py).
@Suite struct ContentHashTests {
    func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { ContentHash.xxh64($0, seed: seed) }
    }

    @Test func matchesTheReferenceVectors() {
        #expect(hash([]) == 0xef46db3751d8e999)
        #expect(hash(Array("a".utf8)) == 0xd24ec4f1a98c6e5b)
        #expect(hash(Array("abc".utf8)) == 0x44bc2cf5ad770999)
        // Stripes of 32 bytes, then 8-, 4- and 1-byte tails.
        #expect(hash((0..<768).map { UInt8($0 % 256) } + Array("xyz".utf8)) == 0xe921a1b45bd779f8)
        #expect(hash(Array(String(repeating: "Duet", count: 9).utf8)) == 0x42ae45b0ad0f5e15)
        #expect(hash((0..<100).map { UInt8($0) }, seed: 42) == 0x819d2b726001d507)
        #expect(ContentHash.xxh64("abc") == 0x44bc2cf5ad770999)
    }

    @Test func weightsHashFollowsTheBytesNotThePath() throws {
        let root = NSTemporaryDirectory() + "duet-hash-\(UInt32.random(in: 0..<UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = ModelConfig.gemma2(ModelPresets.gemma2("tiny")!)
        let a = URL(fileURLWithPath: root + "/a"), b = URL(fileURLWithPath: root + "/b"), c = URL(fileURLWithPath: root + "/c")
        try ModelInitializer.writeRandomModel(config, dtype: .bf16, seed: 1, to: a)
        try ModelInitializer.writeRandomModel(config, dtype: .bf16, seed: 1, to: b)
        try ModelInitializer.writeRandomModel(config, dtype: .bf16, seed: 2, to: c)
        let ha = try ContentHash.weights(of: CheckpointReader(directory: a))
        #expect(ha.hasPrefix("xxh64:") && ha.count == 22)
        #expect(ha == (try ContentHash.weights(of: CheckpointReader(directory: b))))
        #expect(ha != (try ContentHash.weights(of: CheckpointReader(directory: c))))
    }
}
