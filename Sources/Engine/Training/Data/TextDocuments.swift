import Tokenizers
/// A piece of text to tokenise on its own, and where it sits in its source document. Long documents
/// are cut into blocks at paragraph or line breaks, so that tokenising runs in parallel, a single
/// huge document can still be split between training and validation, and no block holds more than
/// `TextDocuments.blockBytes` bytes.
struct TextUnit: Equatable {
    var text: String
    /// The block begins its document (objectives put `<bos>` before it).
    var startsDocument: Bool
    /// The block ends its document (objectives put `<eos>` after it).
    var endsDocument: Bool
}

/// How plain text files become documents and blocks.
enum TextDocuments {
    /// A line holding only this (surrounding whitespace aside) separates documents in a text file.
    static let separator = "<|endoftext|>"
    /// The largest block of a long document, in UTF-8 bytes.
    static let blockBytes = 1 << 16

    /// The documents of a text file: the text between separator lines, with leading and trailing
    /// line breaks removed; empty documents are dropped. Throws for invalid UTF-8, naming the byte.
    static func documents(in bytes: [UInt8], file: String) throws -> [ArraySlice<UInt8>] {
        if String(validating: bytes, as: UTF8.self) == nil {
            let offset = firstInvalidUTF8(bytes)
            throw DataError.invalidRecord(file: file, line: lineNumber(of: offset, in: bytes), reason: "invalid UTF-8 at byte \(offset)")
        }
        let marker = Array(separator.utf8)
        var documents: [ArraySlice<UInt8>] = []
        var docStart = 0
        var lineStart = 0
        let n = bytes.count
        while lineStart < n {
            var lineEnd = lineStart
            while lineEnd < n && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            if isSeparatorLine(bytes[lineStart..<lineEnd], marker: marker) {
                appendTrimmed(bytes[docStart..<lineStart], to: &documents)
                docStart = min(n, lineEnd + 1)
            }
            lineStart = lineEnd + 1
        }
        appendTrimmed(bytes[docStart..<n], to: &documents)
        return documents
    }

    /// `document` cut into blocks of at most `limit` bytes, preferring to cut after a blank line,
    /// then after a line break, then after a space, and otherwise between two UTF-8 characters.
    static func blocks(of document: ArraySlice<UInt8>, limit: Int = blockBytes) -> [TextUnit] {
        var units: [TextUnit] = []
        var start = document.startIndex
        let end = document.endIndex
        while start < end {
            var cut = end
            if end - start > limit {
                cut = cutPoint(document, from: start, limit: limit)
            }
            units.append(TextUnit(text: String(decoding: document[start..<cut], as: UTF8.self),
                                  startsDocument: start == document.startIndex, endsDocument: cut == end))
            start = cut
        }
        return units
    }

    private static func cutPoint(_ b: ArraySlice<UInt8>, from start: Int, limit: Int) -> Int {
        let hi = start + limit, lo = start + limit / 2
        // `p` is a cut when the bytes before it end a run the cut may follow and `b[p]` starts something new.
        func find(_ ok: (Int) -> Bool) -> Int? {
            var p = hi
            while p > lo {
                if ok(p) { return p }
                p -= 1
            }
            return nil
        }
        let newline: UInt8 = 0x0A, space: UInt8 = 0x20
        if let p = find({ b[$0 - 1] == newline && b[$0 - 2] == newline && b[$0] != newline }) { return p }
        if let p = find({ b[$0 - 1] == newline && b[$0] != newline }) { return p }
        if let p = find({ b[$0 - 1] == space && b[$0] != space }) { return p }
        var p = hi
        while p > start + 1 && b[p] & 0xC0 == 0x80 { p -= 1 }
        return p
    }

    private static func isSeparatorLine(_ line: ArraySlice<UInt8>, marker: [UInt8]) -> Bool {
        var lo = line.startIndex, hi = line.endIndex
        while lo < hi && isSpace(line[lo]) { lo += 1 }
        while hi > lo && isSpace(line[hi - 1]) { hi -= 1 }
        return line[lo..<hi].elementsEqual(marker)
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }

    private static func appendTrimmed(_ doc: ArraySlice<UInt8>, to documents: inout [ArraySlice<UInt8>]) {
        var lo = doc.startIndex, hi = doc.endIndex
        while lo < hi && (doc[lo] == 0x0A || doc[lo] == 0x0D) { lo += 1 }
        while hi > lo && (doc[hi - 1] == 0x0A || doc[hi - 1] == 0x0D) { hi -= 1 }
        if lo < hi { documents.append(doc[lo..<hi]) }
    }

    /// Byte offset of the first invalid UTF-8 sequence (`bytes.count` if none).
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { buf in
            var i = 0
            while i < buf.count {
                guard let length = UTF8Scanning.validLength(buf, at: i, end: buf.count) else { return i }
                i += length
            }
            return buf.count
        }
    }

    /// The 1-based line of byte `offset`.
    static func lineNumber(of offset: Int, in bytes: [UInt8]) -> Int {
        var line = 1
        for i in 0..<min(offset, bytes.count) where bytes[i] == 0x0A { line += 1 }
        return line
    }
}
