import Foundation

/// A PNG reader for tests, written independently of `PNGEncoder`: checks the signature and every chunk's
/// CRC (bitwise, no table), inflates stored deflate blocks (the only kind our encoder writes; anything
/// else is an error here), checks Adler-32, and returns the RGB pixels.
struct DecodedPNG {
    var width: Int
    var height: Int
    /// Row-major RGB triples.
    var pixels: [UInt8]
    var chunkTypes: [String]

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = (c >> 1) ^ (0xEDB8_8320 & (0 &- (c & 1))) }
        }
        return ~c
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt64 = 1, b: UInt64 = 0
        for byte in bytes {
            a = (a + UInt64(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return UInt32(b << 16 | a)
    }

    static func bigEndian(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Inflates a zlib stream made of stored blocks.
    static func inflateStored(_ z: [UInt8]) throws -> [UInt8] {
        guard z.count >= 6, (UInt16(z[0]) << 8 | UInt16(z[1])) % 31 == 0, z[0] & 0x0F == 8 else { throw Failure("bad zlib header") }
        var i = 2, out: [UInt8] = []
        while true {
            guard i + 5 <= z.count else { throw Failure("truncated block header") }
            let header = z[i]
            guard (header >> 1) & 3 == 0 else { throw Failure("not a stored block") }
            let len = Int(z[i + 1]) | Int(z[i + 2]) << 8, nlen = Int(z[i + 3]) | Int(z[i + 4]) << 8
            guard len ^ 0xFFFF == nlen else { throw Failure("LEN/NLEN mismatch") }
            i += 5
            guard i + len <= z.count else { throw Failure("truncated block") }
            out += z[i..<(i + len)]
            i += len
            if header & 1 == 1 { break }
        }
        guard i + 4 == z.count else { throw Failure("trailing bytes after the Adler-32") }
        guard bigEndian(z[i..<(i + 4)]) == adler32(out) else { throw Failure("Adler-32 mismatch") }
        return out
    }

    init(_ file: [UInt8]) throws {
        guard file.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw Failure("no PNG signature") }
        var i = 8, idat: [UInt8] = []
        var types: [String] = []
        var w = 0, h = 0
        while i < file.count {
            guard i + 12 <= file.count else { throw Failure("truncated chunk") }
            let length = Int(Self.bigEndian(file[i..<(i + 4)]))
            guard i + 12 + length <= file.count else { throw Failure("truncated chunk data") }
            let typed = Array(file[(i + 4)..<(i + 8 + length)])
            let type = String(decoding: typed.prefix(4), as: UTF8.self)
            guard Self.bigEndian(file[(i + 8 + length)..<(i + 12 + length)]) == Self.crc32(typed) else { throw Failure("CRC mismatch in \(type)") }
            let data = Array(typed.dropFirst(4))
            types.append(type)
            if type == "IHDR" {
                w = Int(Self.bigEndian(data[0..<4]))
                h = Int(Self.bigEndian(data[4..<8]))
                guard data[8] == 8, data[9] == 2 else { throw Failure("not 8-bit RGB") }
            } else if type == "IDAT" {
                idat += data
            }
            i += 12 + length
        }
        guard types.first == "IHDR", types.last == "IEND" else { throw Failure("chunks out of order: \(types)") }
        let raw = try Self.inflateStored(idat)
        guard raw.count == (w * 3 + 1) * h else { throw Failure("\(raw.count) bytes of scanlines for \(w)x\(h)") }
        var pixels: [UInt8] = []
        for y in 0..<h {
            let row = raw[(y * (w * 3 + 1))..<((y + 1) * (w * 3 + 1))]
            guard row.first == 0 else { throw Failure("filter \(row.first!) on row \(y)") }
            pixels += row.dropFirst()
        }
        width = w
        height = h
        self.pixels = pixels
        chunkTypes = types
    }
}
