/// A PNG encoder for `RGBImage`: 8-bit RGB, no filtering, and a zlib stream of stored (uncompressed)
/// deflate blocks. Plots are small, so the bytes saved by compression are not worth a deflate
/// implementation; every PNG reader accepts stored blocks.
enum PNGEncoder {
    /// The eight bytes every PNG file starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The largest payload of one stored deflate block (its length field is 16 bits).
    static let maxStoredBlock = 65_535

    /// The PNG file of `image`: signature, IHDR, one IDAT, IEND.
    static func encode(_ image: RGBImage) -> [UInt8] {
        var header: [UInt8] = []
        appendBigEndian(UInt32(image.width), to: &header)
        appendBigEndian(UInt32(image.height), to: &header)
        header += [8, 2, 0, 0, 0]   // bit depth 8, colour type 2 (RGB), deflate, adaptive filters, no interlace
        // Each scanline starts with its filter type: 0, none.
        var raw: [UInt8] = []
        raw.reserveCapacity((image.width * 3 + 1) * image.height)
        for y in 0..<image.height {
            raw.append(0)
            raw += image.pixels[(y * image.width * 3)..<((y + 1) * image.width * 3)]
        }
        var file = signature
        appendChunk("IHDR", header, to: &file)
        appendChunk("IDAT", zlibStored(raw), to: &file)
        appendChunk("IEND", [], to: &file)
        return file
    }

    /// A zlib stream (RFC 1950) holding `data` in stored deflate blocks (RFC 1951 §3.2.4).
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]   // deflate, 32K window, no dictionary, fastest; 0x7801 % 31 == 0
        var offset = 0
        repeat {
            let count = min(maxStoredBlock, data.count - offset)
            let final: UInt8 = offset + count == data.count ? 1 : 0
            out.append(final)   // BFINAL, BTYPE 00 (stored), padding to the byte boundary
            let length = UInt16(count)
            out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            out += data[offset..<(offset + count)]
            offset += count
        } while offset < data.count
        appendBigEndian(adler32(data), to: &out)
        return out
    }

    /// Adler-32 (RFC 1950 §8) of `data`.
    static func adler32(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        // 5552 bytes is the most that can be summed before the 32-bit sums must be reduced.
        var index = 0
        while index < data.count {
            let end = min(data.count, index + 5552)
            for byte in data[index..<end] {
                a &+= UInt32(byte)
                b &+= a
            }
            a %= 65_521
            b %= 65_521
            index = end
        }
        return (b << 16) | a
    }

    /// The CRC-32 table of the polynomial PNG uses (0xEDB88320, reflected).
    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 of `bytes` (PNG chunk type and data).
    static func crc32<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        appendBigEndian(UInt32(data.count), to: &file)
        let typed = Array(type.utf8) + data
        file += typed
        appendBigEndian(crc32(typed), to: &file)
    }

    private static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
