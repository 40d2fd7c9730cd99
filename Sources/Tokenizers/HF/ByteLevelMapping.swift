/// GPT-2's byte-level alphabet (`bytes_to_unicode`) and pre-tokenization regex, as tokenizers'
/// ByteLevel pre-tokenizer and decoder use them.
enum ByteLevelMapping {
    /// Byte -> UTF-8 of the printable character that stands for it.
    static let byteToUTF8: [[UInt8]] = {
        var table = [[UInt8]](repeating: [], count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            let printable = (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b)
            let scalar = Unicode.Scalar(printable ? UInt32(b) : next)!
            if !printable { next += 1 }
            table[b] = Array(String(Character(scalar)).utf8)
        }
        return table
    }()

    /// Code point -> byte, for decoding.
    static let scalarToByte: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for b in 0..<256 {
            let scalar = String(decoding: byteToUTF8[b], as: UTF8.self).unicodeScalars.first!
            map[scalar.value] = UInt8(b)
        }
        return map
    }()

    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out += byteToUTF8[Int(b)] }
        return out
    }

    /// Maps each character back to its byte (characters outside the alphabet keep their UTF-8).
    static func decode(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            if let b = scalarToByte[scalar.value] { out.append(b) } else { out += Array(String(scalar).utf8) }
        }
        return out
    }

    /// Ranges matched by `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    /// (every character is covered, so every range is a match).
    static func gpt2Matches(_ bytes: [UInt8]) -> [(Range<Int>, Bool)] {
        let scalars = HFPreTokenizer.scalars(bytes)
        let n = scalars.count
        var result: [(Range<Int>, Bool)] = []
        func isOther(_ s: Unicode.Scalar) -> Bool {
            !UnicodeClasses.isWhitespace(s) && !UnicodeClasses.isLetter(s) && !UnicodeClasses.isNumber(s)
        }
        var i = 0
        while i < n {
            let s = scalars[i].1
            var end = i
            if s == "'" && i + 1 < n {
                let a = scalars[i + 1].1, b: Unicode.Scalar? = i + 2 < n ? scalars[i + 2].1 : nil
                if "stmd".unicodeScalars.contains(a) { end = i + 2 }
                else if (a == "r" && b == "e") || (a == "v" && b == "e") || (a == "l" && b == "l") { end = i + 3 }
            }
            if end == i {
                let j = s == " " && i + 1 < n ? i + 1 : i
                let classes: [(Unicode.Scalar) -> Bool] = [UnicodeClasses.isLetter, UnicodeClasses.isNumber, isOther]
                for inClass in classes where inClass(scalars[j].1) {
                    end = j
                    while end < n && inClass(scalars[end].1) { end += 1 }
                    break
                }
            }
            if end == i {
                // Whitespace run: all of it at the end of the text, else all but the last character
                // (which then prefixes the next word), else the single character.
                var k = i
                while k < n && UnicodeClasses.isWhitespace(scalars[k].1) { k += 1 }
                end = k == n || k - i < 2 ? k : k - 1
                if end == i { end = i + 1 }
            }
            result.append((scalars[i].0.lowerBound..<scalars[end - 1].0.upperBound, true))
            i = end
        }
        return result
    }
}
