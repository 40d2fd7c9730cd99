import Foundation

/// Tokenised training documents in Duet's token file layout, read in place from a memory-mapped
/// cache file (or from memory when no cache could be written).
///
/// Layout (little-endian, every section 8-byte aligned):
/// ```
///   0  magic "DUETTOK1"
///   8  u32 version, u32 kind (0 text, 1 conversations)
///  16  u64 key (hash of tokenizer, data files and kind)
///  24  u64 documents D, u64 tokens T, u64 vocabulary size
///  48  16 reserved bytes
///  64  u64 offsets[D + 1]        token range of document d: offsets[d] ..< offsets[d + 1]
///      u8  documentFlags[D]      bit 0: starts a source document, bit 1: ends one
///      i32 tokens[T]
///      u8  learn[T]              conversations only: 1 where the model learns the token
/// ```
final class TokenCorpus: @unchecked Sendable {
    enum Kind: UInt32 {
        case text = 0
        case conversations = 1
    }

    static let magic = Array("DUETTOK1".utf8)
    static let version: UInt32 = 1
    static let headerBytes = 64

    let kind: Kind
    let key: UInt64
    let documentCount: Int
    let tokenCount: Int
    let vocabularySize: Int
    private let offsets: UnsafePointer<UInt64>
    private let documentFlags: UnsafePointer<UInt8>
    private let tokenBase: UnsafePointer<Int32>
    private let learnBase: UnsafePointer<UInt8>?
    /// Keeps the bytes alive: a `MappedFile` or a `Data`.
    private let owner: AnyObject

    /// Why bytes are not a usable token file (the cache is then rebuilt).
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    /// Maps the token file at `url`; throws `Invalid` unless it is complete and was made for `key`
    /// and a vocabulary of `vocabularySize`.
    convenience init(mapping url: URL, key: UInt64, vocabularySize: Int) throws {
        let file = try MappedFile(path: url.path)
        try self.init(bytes: UnsafeRawPointer(file.base), count: file.size, owner: file, key: key, vocabularySize: vocabularySize)
    }

    /// Reads a token file held in memory.
    convenience init(data: Data, key: UInt64, vocabularySize: Int) throws {
        let box = DataBox(data)
        try self.init(bytes: box.pointer, count: data.count, owner: box, key: key, vocabularySize: vocabularySize)
    }

    private init(bytes: UnsafeRawPointer?, count: Int, owner: AnyObject, key expectedKey: UInt64, vocabularySize expectedVocabulary: Int) throws {
        guard let bytes, count >= Self.headerBytes else { throw Invalid(description: "shorter than the header") }
        guard Self.magic.enumerated().allSatisfy({ bytes.load(fromByteOffset: $0.offset, as: UInt8.self) == $0.element }) else {
            throw Invalid(description: "not a Duet token file")
        }
        guard bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self) == Self.version else { throw Invalid(description: "other version") }
        guard let kind = Kind(rawValue: bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self)) else { throw Invalid(description: "unknown kind") }
        key = bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        guard key == expectedKey else { throw Invalid(description: "made for other data or another tokenizer") }
        let documents = bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
        let tokens = bytes.loadUnaligned(fromByteOffset: 32, as: UInt64.self)
        let vocabulary = bytes.loadUnaligned(fromByteOffset: 40, as: UInt64.self)
        guard documents < 1 << 40, tokens < 1 << 40, vocabulary == UInt64(expectedVocabulary) else {
            throw Invalid(description: "implausible sizes")
        }
        let layout = Self.layout(documents: Int(documents), tokens: Int(tokens), kind: kind)
        guard layout.total == count else { throw Invalid(description: "size \(count) bytes, expected \(layout.total)") }
        self.kind = kind
        documentCount = Int(documents)
        tokenCount = Int(tokens)
        vocabularySize = Int(vocabulary)
        offsets = (bytes + layout.offsets).assumingMemoryBound(to: UInt64.self)
        documentFlags = (bytes + layout.documentFlags).assumingMemoryBound(to: UInt8.self)
        tokenBase = (bytes + layout.tokens).assumingMemoryBound(to: Int32.self)
        learnBase = kind == .conversations ? (bytes + layout.learn).assumingMemoryBound(to: UInt8.self) : nil
        self.owner = owner
        try check()
    }

    /// Offsets must rise from 0 to T and every id must be in the vocabulary: a damaged file would
    /// otherwise index outside the embedding table.
    private func check() throws {
        guard offsets[0] == 0, offsets[documentCount] == UInt64(tokenCount) else { throw Invalid(description: "bad offsets") }
        for d in 0..<documentCount where offsets[d] > offsets[d + 1] { throw Invalid(description: "offsets decrease at document \(d)") }
        let vocabulary = Int32(truncatingIfNeeded: vocabularySize)
        var bad = false
        for i in 0..<tokenCount { bad = bad || tokenBase[i] < 0 || tokenBase[i] >= vocabulary }
        if bad { throw Invalid(description: "token id outside the vocabulary") }
    }

    /// Byte offsets of each section.
    static func layout(documents: Int, tokens: Int, kind: Kind) -> (offsets: Int, documentFlags: Int, tokens: Int, learn: Int, total: Int) {
        func aligned(_ n: Int) -> Int { (n + 7) & ~7 }
        let offsets = headerBytes
        let flags = offsets + 8 * (documents + 1)
        let tokenStart = aligned(flags + documents)
        let learn = aligned(tokenStart + 4 * tokens)
        let total = kind == .conversations ? aligned(learn + tokens) : learn
        return (offsets, flags, tokenStart, learn, total)
    }

    /// The token ids of document `d`.
    func tokens(_ d: Int) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: tokenBase + Int(offsets[d]), count: Int(offsets[d + 1] - offsets[d]))
    }

    func tokenCount(_ d: Int) -> Int { Int(offsets[d + 1] - offsets[d]) }

    /// Conversations: 1 where the model learns the token of document `d`.
    func learn(_ d: Int) -> UnsafeBufferPointer<UInt8>? {
        learnBase.map { UnsafeBufferPointer(start: $0 + Int(offsets[d]), count: Int(offsets[d + 1] - offsets[d])) }
    }

    /// Whether the tokens are read from a mapped file (rather than held in memory).
    var isMapped: Bool { owner is MappedFile }

    func startsDocument(_ d: Int) -> Bool { documentFlags[d] & 1 != 0 }
    func endsDocument(_ d: Int) -> Bool { documentFlags[d] & 2 != 0 }
}

/// Owns a copy of a token file's bytes in 8-byte-aligned memory.
private final class DataBox {
    let storage: UnsafeMutableRawPointer
    var pointer: UnsafeRawPointer { UnsafeRawPointer(storage) }

    init(_ data: Data) {
        storage = UnsafeMutableRawPointer.allocate(byteCount: max(data.count, 1), alignment: 8)
        data.withUnsafeBytes { if let base = $0.baseAddress { storage.copyMemory(from: base, byteCount: $0.count) } }
    }

    deinit { storage.deallocate() }
}
