import Foundation

/// Content hashes of model weights: the identity of a model in the database (the same weights at two
/// paths are one model). XXH64 runs at memory speed, so hashing a multi-gigabyte checkpoint costs about
/// as much as reading it once; it is not a cryptographic hash (nobody forges weights to collide).
public enum ContentHash {
    /// XXH64 of `bytes` (the reference algorithm of xxHash, with its published test vectors).
    public static func xxh64(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var hasher = XXHash64(seed: seed)
        return hasher.digest(bytes)
    }

    /// XXH64 of a string's UTF-8 bytes.
    public static func xxh64(_ text: String, seed: UInt64 = 0) -> UInt64 {
        var copy = text
        return copy.withUTF8 { xxh64(UnsafeRawBufferPointer($0), seed: seed) }
    }

    /// `"xxh64:<hex>"` over every weight file of a checkpoint (header and data, in file-name order): each
    /// file is hashed whole, then the names, sizes and file hashes are hashed together.
    public static func weights(of reader: CheckpointReader) throws -> String {
        var summary = ""
        for file in reader.files.sorted(by: { $0.url.lastPathComponent < $1.url.lastPathComponent }) {
            let mapping = try MappedFile(path: file.url.path)
            let hash = xxh64(mapping.bytes)
            summary += "\(file.url.lastPathComponent) \(mapping.size) \(hex(hash))\n"
        }
        return "xxh64:" + hex(xxh64(summary))
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// One-shot XXH64 (Collet's reference: 4 lanes of 8 bytes per 32-byte stripe, then the tail).
struct XXHash64 {
    static let p1: UInt64 = 11_400_714_785_074_694_791
    static let p2: UInt64 = 14_029_467_366_897_019_727
    static let p3: UInt64 = 1_609_587_929_392_839_161
    static let p4: UInt64 = 9_650_029_242_287_828_579
    static let p5: UInt64 = 2_870_177_450_012_600_261

    let seed: UInt64

    init(seed: UInt64) { self.seed = seed }

    @inline(__always) static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always) static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* p2, 31) &* p1
    }

    @inline(__always) static func merge(_ acc: UInt64, _ lane: UInt64) -> UInt64 {
        (acc ^ round(0, lane)) &* p1 &+ p4
    }

    mutating func digest(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return Self.finish(seed &+ Self.p5, length: 0, tail: bytes) }
        var offset = 0
        var h: UInt64
        if count >= 32 {
            var v1 = seed &+ Self.p1 &+ Self.p2, v2 = seed &+ Self.p2, v3 = seed, v4 = seed &- Self.p1
            while offset + 32 <= count {
                let p = base + offset
                v1 = Self.round(v1, UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
                v2 = Self.round(v2, UInt64(littleEndian: (p + 8).loadUnaligned(as: UInt64.self)))
                v3 = Self.round(v3, UInt64(littleEndian: (p + 16).loadUnaligned(as: UInt64.self)))
                v4 = Self.round(v4, UInt64(littleEndian: (p + 24).loadUnaligned(as: UInt64.self)))
                offset += 32
            }
            h = Self.rotl(v1, 1) &+ Self.rotl(v2, 7) &+ Self.rotl(v3, 12) &+ Self.rotl(v4, 18)
            h = Self.merge(h, v1)
            h = Self.merge(h, v2)
            h = Self.merge(h, v3)
            h = Self.merge(h, v4)
        } else {
            h = seed &+ Self.p5
        }
        return Self.finish(h, length: count, tail: UnsafeRawBufferPointer(rebasing: bytes[offset...]))
    }

    /// Adds the length, mixes in the last 0-31 bytes, and avalanches.
    static func finish(_ start: UInt64, length: Int, tail: UnsafeRawBufferPointer) -> UInt64 {
        var h = start &+ UInt64(length)
        var i = 0
        let n = tail.count
        while i + 8 <= n {
            let k = round(0, UInt64(littleEndian: tail.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            h = rotl(h ^ k, 27) &* p1 &+ p4
            i += 8
        }
        if i + 4 <= n {
            h ^= UInt64(UInt32(littleEndian: tail.loadUnaligned(fromByteOffset: i, as: UInt32.self))) &* p1
            h = rotl(h, 23) &* p2 &+ p3
            i += 4
        }
        while i < n {
            h ^= UInt64(tail[i]) &* p5
            h = rotl(h, 11) &* p1
            i += 1
        }
        h ^= h >> 33
        h = h &* p2
        h ^= h >> 29
        h = h &* p3
        h ^= h >> 32
        return h
    }
}
