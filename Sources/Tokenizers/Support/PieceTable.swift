/// A hash map from byte strings to token ids that looks up slices of a buffer without allocating:
/// BPE asks "is bytes[a..<b] a piece?" once per candidate merge, so this is the encoder's hot path.
/// Open addressing with linear probing over a power-of-two table; keys live in one flat byte arena.
struct PieceTable {
    private var arena: [UInt8] = []
    private var keyStart: [Int32] = []
    private var keyLength: [Int32] = []
    private var values: [Int32] = []
    private var slots: [Int32]            // index into keyStart/values, or -1
    private var mask: Int
    /// Length in bytes of the longest key (longer slices are rejected without hashing).
    private(set) var maxKeyLength = 0

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { values.count }

    @inline(__always)
    private static func hash(_ base: UnsafePointer<UInt8>, _ count: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325   // FNV-1a
        for i in 0..<count { h = (h ^ UInt64(base[i])) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// Inserts `key` -> `value`; returns false (and keeps the old value) if the key is present.
    @discardableResult
    mutating func insert<C: Collection>(_ key: C, value: Int32) -> Bool where C.Element == UInt8 {
        let bytes = Array(key)
        if bytes.withUnsafeBufferPointer({ lookup($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }) != nil {
            return false
        }
        if (values.count + 1) * 2 > slots.count { grow() }
        keyStart.append(Int32(arena.count))
        keyLength.append(Int32(bytes.count))
        arena.append(contentsOf: bytes)
        values.append(value)
        maxKeyLength = max(maxKeyLength, bytes.count)
        place(values.count - 1)
        return true
    }

    private mutating func place(_ entry: Int) {
        let start = Int(keyStart[entry]), length = Int(keyLength[entry])
        var slot = arena.withUnsafeBufferPointer { buffer in
            Self.hash(buffer.baseAddress! + start, length)
        } & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry)
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for entry in 0..<values.count { place(entry) }
    }

    /// The value for `count` bytes at `base`, if present.
    @inline(__always)
    func lookup(_ base: UnsafePointer<UInt8>, _ count: Int) -> Int32? {
        if count > maxKeyLength || values.isEmpty { return nil }
        var slot = Self.hash(base, count) & mask
        return arena.withUnsafeBufferPointer { arenaBuffer -> Int32? in
            let arenaBase = arenaBuffer.baseAddress!
            while true {
                let entry = Int(slots[slot])
                if entry < 0 { return nil }
                if Int(keyLength[entry]) == count && memcmp(arenaBase + Int(keyStart[entry]), base, count) == 0 {
                    return values[entry]
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The value for `key`, if present.
    func lookup<C: Collection>(_ key: C) -> Int32? where C.Element == UInt8 {
        let bytes = Array(key)
        if bytes.isEmpty { return nil }
        return bytes.withUnsafeBufferPointer { lookup($0.baseAddress!, $0.count) }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
