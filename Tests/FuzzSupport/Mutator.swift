/// A seeded generator (SplitMix64): the same seed gives the same mutants on every machine and run,
/// so a failing mutant is reproduced by its index alone. `SystemRandomNumberGenerator` would not be.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in 0..<n (n > 0).
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// True with probability `percent`/100.
    public mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// Which structure-aware mutations suit a format, on top of the generic byte-level ones.
public struct MutationStyle: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Replace number literals with extreme ones; nest arrays very deeply; grow strings; break quotes.
    public static let json = MutationStyle(rawValue: 1)
    /// Insert overlong or huge varints and flip wire types in tag bytes.
    public static let protobuf = MutationStyle(rawValue: 2)
    /// TOML: numbers as for JSON, deep arrays, escapes cut at the end of the text.
    public static let toml = MutationStyle(rawValue: 4)
}

/// A deterministic mutator in the spirit of libFuzzer/AFL: each mutant applies 1-4 stacked edits
/// (bit flips, interesting bytes and integers, insertions, deletions, duplications, truncation,
/// splicing with another seed, dictionary tokens) plus the format-aware edits of its `style`.
public struct Mutator {
    public var rng: SplitMix64
    public let style: MutationStyle
    /// Format tokens inserted or overwritten verbatim (field names, keywords, delimiters).
    public let dictionary: [[UInt8]]

    public init(seed: UInt64, style: MutationStyle = [], dictionary: [String] = []) {
        rng = SplitMix64(seed: seed)
        self.style = style
        self.dictionary = dictionary.map { Array($0.utf8) }
    }

    static let interestingBytes: [UInt8] = [0, 1, 0x7F, 0x80, 0xFF, 0xFE, 0x20, 0x0A, 0x0D, 0x09,
                                            UInt8(ascii: "0"), UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                                            UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"), UInt8(ascii: "{"),
                                            UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ","),
                                            UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: "e"), 0xC0, 0xED, 0xF4]
    static let interestingIntegers: [UInt64] = [0, 1, 2, 7, 8, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0xFFFF, 0x1_0000,
                                                0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, 100_000_001,
                                                0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, .max]
    static let interestingNumbers = ["0", "-0", "-1", "1e309", "-1e309", "1e-400", "1.5", "NaN", "Infinity",
                                     "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                                     "99999999999999999999999", "2147483647", "2147483648", "4294967296",
                                     "1000000000000", "4503599627370497", "0.0000001", "1E400", "-", "1e", "01"]

    /// One mutant of `seed`; `other` is the splice partner (another seed, or the same).
    public mutating func mutate(_ seed: [UInt8], other: [UInt8]) -> [UInt8] {
        var data = seed
        // Mostly one edit, so many mutants stay close enough to valid to reach the checks after parsing.
        let edits = rng.chance(60) ? 1 : 2 + rng.below(3)
        for _ in 0..<edits {
            if !style.isEmpty && rng.chance(35) {
                structured(&data)
            } else {
                generic(&data, other: other)
            }
        }
        return data
    }

    private mutating func position(_ data: [UInt8]) -> Int { data.isEmpty ? 0 : rng.below(data.count) }

    private mutating func range(_ data: [UInt8], maxLength: Int = 64) -> Range<Int> {
        let start = position(data)
        let length = min(data.count - start, 1 + rng.below(maxLength))
        return start..<(start + max(0, length))
    }

    mutating func generic(_ data: inout [UInt8], other: [UInt8]) {
        switch rng.below(11) {
        case 0:  // flip one bit
            guard !data.isEmpty else { return }
            data[position(data)] ^= 1 << UInt8(rng.below(8))
        case 1:  // an interesting byte
            guard !data.isEmpty else { return }
            data[position(data)] = Self.interestingBytes[rng.below(Self.interestingBytes.count)]
        case 2:  // an interesting 1/2/4/8-byte integer, little or big endian
            let value = Self.interestingIntegers[rng.below(Self.interestingIntegers.count)]
            let width = [1, 2, 4, 8][rng.below(4)]
            var bytes = (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
            if rng.chance(50) { bytes.reverse() }
            let at = position(data)
            for (k, b) in bytes.enumerated() where at + k < data.count { data[at + k] = b }
        case 3:  // insert random bytes
            let n = 1 + rng.below(16)
            data.insert(contentsOf: (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: position(data))
        case 4:  // delete a range
            guard !data.isEmpty else { return }
            data.removeSubrange(range(data, maxLength: rng.chance(20) ? 4096 : 64))
        case 5:  // duplicate a range, possibly many times
            guard !data.isEmpty else { return }
            let r = range(data)
            let copies = rng.chance(10) ? 1 + rng.below(200) : 1
            let chunk = Array(repeating: Array(data[r]), count: copies).flatMap { $0 }
            data.insert(contentsOf: chunk, at: position(data))
        case 6:  // truncate
            data.removeSubrange(position(data)..<data.count)
        case 7:  // splice: this one's head, the other's tail
            guard !other.isEmpty else { return }
            data = Array(data[0..<position(data)]) + Array(other[position(other)...])
        case 8, 9:  // a dictionary token, inserted or overwriting
            guard !dictionary.isEmpty else { return }
            let token = dictionary[rng.below(dictionary.count)]
            let at = position(data)
            if rng.chance(50) {
                data.insert(contentsOf: token, at: at)
            } else {
                data.replaceSubrange(at..<min(data.count, at + token.count), with: token)
            }
        default:  // copy a range over another place
            guard !data.isEmpty else { return }
            let r = range(data)
            let chunk = Array(data[r])
            let at = position(data)
            data.replaceSubrange(at..<min(data.count, at + chunk.count), with: chunk)
        }
    }

    mutating func structured(_ data: inout [UInt8]) {
        var choices: [Int] = []
        if style.contains(.json) || style.contains(.toml) { choices += [0, 1, 2, 3] }
        if style.contains(.toml) { choices += [4] }
        if style.contains(.protobuf) { choices += [5, 6, 7] }
        switch choices[rng.below(choices.count)] {
        case 0:  // a number literal becomes an extreme one
            let digits = data.indices.filter { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(data[$0]) }
            guard !digits.isEmpty else { return }
            var start = digits[rng.below(digits.count)], end = start
            func isNumberByte(_ b: UInt8) -> Bool {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
                    || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") || b == UInt8(ascii: "+")
            }
            while start > 0, isNumberByte(data[start - 1]) { start -= 1 }
            while end < data.count, isNumberByte(data[end]) { end += 1 }
            data.replaceSubrange(start..<end, with: Array(Self.interestingNumbers[rng.below(Self.interestingNumbers.count)].utf8))
        case 1:  // very deep nesting (recursion depth), closed or not
            // Past the parsers' depth limits (512 for JSON); the 100k-deep inputs are in each test's
            // hand-made set, as are 100k-long strings: here they would only slow every run down.
            let depth = [520, 600, 5_000][rng.below(3)]
            var nest = [UInt8](repeating: UInt8(ascii: "["), count: depth)
            if rng.chance(50) { nest += [UInt8](repeating: UInt8(ascii: "]"), count: depth) }
            let at = position(data)
            if rng.chance(50) { data.insert(contentsOf: nest, at: at) } else { data.replaceSubrange(at..<data.count, with: nest) }
        case 2:  // a long string inside the first string literal found
            guard let q = data.firstIndex(of: UInt8(ascii: "\"")) else { return }
            let fill = [UInt8](repeating: [UInt8(ascii: "a"), 0xE2, UInt8(ascii: "\\")][rng.below(3)], count: 1 + rng.below(rng.chance(10) ? 50_000 : 2_000))
            data.insert(contentsOf: fill, at: q + 1)
        case 3:  // an escape, possibly cut short at the end of the text
            let escapes = ["\\u", "\\uD800", "\\uDC00", "\\uD83D\\u", "\\U0011FFFF", "\\u12", "\\x", "\\"]
            let e = Array(escapes[rng.below(escapes.count)].utf8)
            if rng.chance(50) { data += [UInt8(ascii: "\"")] + e } else { data.insert(contentsOf: e, at: position(data)) }
        case 4:  // a TOML statement cut after the escape
            data += Array("\nk = \"\\u1".utf8)
        case 5:  // an overlong or huge varint (length or value)
            let varints: [[UInt8]] = [
                [0xFF, 0xFF, 0xFF, 0xFF, 0x0F],                                    // 2^32 - 1
                [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],      // 2^64 - 1
                [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],  // 11 bytes
                [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],      // overflows 64 bits
                [0x80],                                                           // truncated
            ]
            let v = varints[rng.below(varints.count)]
            let at = position(data)
            if rng.chance(50) {
                data.insert(contentsOf: v, at: at)
            } else {
                data.replaceSubrange(at..<min(data.count, at + v.count), with: v)
            }
        case 6:  // a different wire type in what may be a tag byte (low three bits)
            guard !data.isEmpty else { return }
            let at = position(data)
            data[at] = (data[at] & ~7) | UInt8(rng.below(8))
        default:  // a field with a huge length prefix: tag (field 1..3, length-delimited) + 2^31
            let tag = UInt8((1 + rng.below(3)) << 3 | 2)
            data.insert(contentsOf: [tag, 0x80, 0x80, 0x80, 0x80, 0x08], at: position(data))
        }
    }
}
