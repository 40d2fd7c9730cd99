import DuetCore
import Foundation
import Tokenizers

/// Collects tokenised documents and writes them in the `TokenCorpus` layout.
struct TokenCorpusBuilder {
    let kind: TokenCorpus.Kind
    private(set) var offsets: [UInt64] = [0]
    private(set) var documentFlags: [UInt8] = []
    private(set) var tokens: [Int32] = []
    private(set) var learn: [UInt8] = []

    init(kind: TokenCorpus.Kind) {
        self.kind = kind
    }

    var documentCount: Int { documentFlags.count }

    /// Appends one document (nothing if `ids` is empty). `learn` is required for conversations.
    mutating func append(_ ids: [TokenID], startsDocument: Bool, endsDocument: Bool, learn learnFlags: [UInt8]? = nil) {
        guard !ids.isEmpty else { return }
        precondition((kind == .conversations) == (learnFlags != nil) && (learnFlags?.count ?? ids.count) == ids.count)
        tokens += ids
        if let learnFlags { learn += learnFlags }
        offsets.append(UInt64(tokens.count))
        documentFlags.append((startsDocument ? 1 : 0) | (endsDocument ? 2 : 0))
    }

    /// Writes the token file through `write` (called with consecutive byte ranges).
    func serialize(key: UInt64, vocabularySize: Int, _ write: (UnsafeRawBufferPointer) throws -> Void) throws {
        let layout = TokenCorpus.layout(documents: documentCount, tokens: tokens.count, kind: kind)
        var header = [UInt8](repeating: 0, count: TokenCorpus.headerBytes)
        header.withUnsafeMutableBytes { h in
            for (i, b) in TokenCorpus.magic.enumerated() { h[i] = b }
            h.storeBytes(of: TokenCorpus.version, toByteOffset: 8, as: UInt32.self)
            h.storeBytes(of: kind.rawValue, toByteOffset: 12, as: UInt32.self)
            h.storeBytes(of: key, toByteOffset: 16, as: UInt64.self)
            h.storeBytes(of: UInt64(documentCount), toByteOffset: 24, as: UInt64.self)
            h.storeBytes(of: UInt64(tokens.count), toByteOffset: 32, as: UInt64.self)
            h.storeBytes(of: UInt64(vocabularySize), toByteOffset: 40, as: UInt64.self)
        }
        var written = 0
        func emit(_ bytes: UnsafeRawBufferPointer) throws {
            try write(bytes)
            written += bytes.count
        }
        func pad(to offset: Int) throws {
            precondition(offset >= written)
            let zeros = [UInt8](repeating: 0, count: offset - written)
            try zeros.withUnsafeBytes { try emit($0) }
        }
        try header.withUnsafeBytes { try emit($0) }
        try offsets.withUnsafeBytes { try emit($0) }
        try documentFlags.withUnsafeBytes { try emit($0) }
        try pad(to: layout.tokens)
        try tokens.withUnsafeBytes { try emit($0) }
        try pad(to: layout.learn)
        if kind == .conversations {
            try learn.withUnsafeBytes { try emit($0) }
            try pad(to: layout.total)
        }
        precondition(written == layout.total)
    }

    /// The token file's bytes.
    func data(key: UInt64, vocabularySize: Int) -> Data {
        var data = Data()
        try! serialize(key: key, vocabularySize: vocabularySize) { data.append(contentsOf: $0) }
        return data
    }

    /// Writes the token file to `url` atomically.
    func write(to url: URL, key: UInt64, vocabularySize: Int) throws {
        try AtomicFile.write(to: url) { sink in
            try serialize(key: key, vocabularySize: vocabularySize) { bytes in
                if let base = bytes.baseAddress { try sink.write(base, count: bytes.count) }
            }
        }
    }
}
