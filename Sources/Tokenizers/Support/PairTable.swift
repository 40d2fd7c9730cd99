/// An open-addressing hash map from a pair of token ids to a packed UInt64 value: the BPE merge table
/// ((left, right) -> (rank, merged id)) and the trainer's pair statistics. Faster than `Dictionary`
/// for the encoder's inner loop (no SipHash, no existential boxing).
struct PairTable {
    private var keys: [UInt64]
    private var values: [UInt64]
    private var mask: Int
    private(set) var count = 0
    private static let empty = UInt64.max

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private func slot(for key: UInt64) -> Int {
        var h = key &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 31
        return Int(truncatingIfNeeded: h) & mask
    }

    @inline(__always)
    func get(_ left: Int32, _ right: Int32) -> UInt64? {
        let key = Self.key(left, right)
        var s = slot(for: key)
        while true {
            let k = keys[s]
            if k == key { return values[s] }
            if k == Self.empty { return nil }
            s = (s + 1) & mask
        }
    }

    /// Inserts or replaces.
    mutating func set(_ left: Int32, _ right: Int32, _ value: UInt64) {
        if (count + 1) * 2 > keys.count { grow() }
        let key = Self.key(left, right)
        var s = slot(for: key)
        while true {
            let k = keys[s]
            if k == key { values[s] = value; return }
            if k == Self.empty {
                keys[s] = key
                values[s] = value
                count += 1
                return
            }
            s = (s + 1) & mask
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [UInt64](repeating: Self.empty, count: oldKeys.count * 2)
        values = [UInt64](repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for i in 0..<oldKeys.count where oldKeys[i] != Self.empty {
            let key = oldKeys[i]
            set(Int32(bitPattern: UInt32(key >> 32)), Int32(bitPattern: UInt32(key & 0xFFFF_FFFF)), oldValues[i])
        }
    }
}
