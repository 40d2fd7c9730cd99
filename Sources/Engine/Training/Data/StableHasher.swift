/// A 64-bit hash that is the same in every process and on every build (unlike `Hasher`, which is
/// seeded per process), for naming token caches. Not cryptographic: it guards against stale caches,
/// not against adversaries.
struct StableHasher {
    private var state: UInt64 = 0x243F_6A88_85A3_08D3
    private var length: UInt64 = 0

    mutating func combine(_ value: UInt64) {
        state = DataRandom.mix(state ^ value) &+ 0x9E37_79B9_7F4A_7C15
        length &+= 8
    }

    mutating func combine(_ value: Int) { combine(UInt64(bitPattern: Int64(value))) }

    mutating func combine(_ value: Bool) { combine(value ? 1 as UInt64 : 0) }

    /// The bytes, length-prefixed so that ("ab", "c") and ("a", "bc") differ.
    mutating func combine(bytes: UnsafeRawBufferPointer) {
        combine(UInt64(bytes.count))
        var i = 0
        let n = bytes.count
        // Eight bytes per step with two independent lanes, so the multiply chains overlap.
        var a = state, b = state ^ 0x6A09_E667_F3BC_C908
        while i + 16 <= n {
            a = (a ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9FB2_1C65_1E98_DF25
            b = (b ^ bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)) &* 0xC2B2_AE3D_27D4_EB4F
            a = (a << 29) | (a >> 35)
            b = (b << 31) | (b >> 33)
            i += 16
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            if shift == 64 {
                a = (a ^ tail) &* 0x9FB2_1C65_1E98_DF25
                tail = 0
                shift = 0
            }
            i += 1
        }
        state = DataRandom.mix(a ^ DataRandom.mix(b) ^ tail)
    }

    mutating func combine(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { combine(bytes: $0) }
    }

    mutating func combine(_ string: String) {
        var s = string
        s.withUTF8 { combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    var value: UInt64 { DataRandom.mix(state ^ length) }

    /// `value` as 16 lowercase hex digits.
    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
