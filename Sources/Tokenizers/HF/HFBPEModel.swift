import Foundation

/// The "BPE" model of a tokenizer.json (tokenizers' `models::bpe`): ranked merges applied lowest rank
/// first (leftmost on ties) through a heap over a linked list of symbols, so a word of n characters
/// costs O(n log n). Characters outside the vocabulary become `<0xXX>` byte tokens (byte_fallback) or
/// the unknown token (fused when fuse_unk).
struct HFBPEModel {
    /// Token string -> id.
    let vocab: PieceTable
    /// Id -> token string (nil for ids only the added vocabulary defines).
    let tokens: [String?]
    /// (left, right) -> rank << 32 | merged id.
    let merges: PairTable
    let unknownID: TokenID?
    let fuseUnknown: Bool
    let byteFallback: Bool
    let byteIDs: [TokenID]
    let continuingSubwordPrefix: [UInt8]
    let endOfWordSuffix: [UInt8]
    let ignoreMerges: Bool

    /// Parses the `model` object; `file` names the source in errors.
    init(_ node: JSONNode) throws {
        let type = try node["type"].optionalString() ?? "BPE"
        guard type == "BPE" else {
            throw TokenizerError.unsupported(file: node.file, field: "\(node.path).type", value: "\"\(type)\"; only BPE is implemented")
        }
        if let dropout = node["dropout"].value as? Double, dropout > 0 {
            throw TokenizerError.unsupported(file: node.file, field: "\(node.path).dropout", value: "\(dropout) (BPE-dropout is for training)")
        }
        let vocabNode = node["vocab"]
        guard !vocabNode.isNull else { throw TokenizerError.missingField(file: node.file, field: "\(node.path).vocab") }
        guard let entries = vocabNode.value as? [String: Any] else { throw vocabNode.error("expected an object") }
        var vocab = PieceTable(capacity: entries.count)
        var maxID = -1
        var pairs: [(String, Int)] = []
        pairs.reserveCapacity(entries.count)
        for (token, value) in entries {
            // Fast path for the 256k-entry case; JSONNode only to build the error.
            guard let number = value as? NSNumber, !(value is String), let id = Int(exactly: number.doubleValue),
                  id >= 0 && id < Int(Int32.max) else {
                let node = vocabNode[token]
                _ = try node.int()
                throw node.error("token id is out of range")
            }
            vocab.insert(token.utf8, value: TokenID(id))
            pairs.append((token, id))
            maxID = max(maxID, id)
        }
        // The id -> token table is sized by the largest id, so ids far beyond the entry count (a
        // corrupt file's 2_000_000_000) would allocate gigabytes for nothing; real vocabularies are
        // dense, and a million ids of slack still costs only 16 MB.
        guard maxID < entries.count + Self.maxVocabularyGap else {
            throw TokenizerError.invalidValue(file: node.file, field: "\(vocabNode.path)",
                                              reason: "id \(maxID) is far beyond the \(entries.count) entries (ids must be dense)")
        }
        var tokens = [String?](repeating: nil, count: maxID + 1)
        for (token, id) in pairs {
            if let existing = tokens[id] {
                throw TokenizerError.invalidValue(file: node.file, field: "\(vocabNode.path)",
                                                  reason: "id \(id) is given to both \"\(existing)\" and \"\(token)\"")
            }
            tokens[id] = token
        }
        self.vocab = vocab
        self.tokens = tokens

        continuingSubwordPrefix = Array((try node["continuing_subword_prefix"].optionalString() ?? "").utf8)
        endOfWordSuffix = Array((try node["end_of_word_suffix"].optionalString() ?? "").utf8)
        fuseUnknown = try node["fuse_unk"].optionalBool() ?? false
        byteFallback = try node["byte_fallback"].optionalBool() ?? false
        ignoreMerges = try node["ignore_merges"].optionalBool() ?? false
        if let unk = try node["unk_token"].optionalString() {
            guard let id = vocab.lookup(unk.utf8) else {
                throw TokenizerError.invalidValue(file: node.file, field: "\(node.path).unk_token", reason: "\"\(unk)\" is not in the vocabulary")
            }
            unknownID = id
        } else {
            unknownID = nil
        }
        var byteIDs = [TokenID](repeating: -1, count: 256)
        for b in 0..<256 {
            byteIDs[b] = vocab.lookup(Self.bytePiece(UInt8(b)).utf8) ?? -1
        }
        self.byteIDs = byteIDs
        merges = try Self.parseMerges(node["merges"], vocab: vocab, prefixLength: continuingSubwordPrefix.count)
    }

    /// How many unused ids a vocabulary may leave below its largest id.
    static let maxVocabularyGap = 1 << 20

    /// "<0xE2>": tokenizers' `format!("<{b:#04X}>")`.
    static func bytePiece(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "<0x\(hex.count == 1 ? "0" + hex : hex)>"
    }

    /// Merges as "a b" strings (split on the one space; "#version" lines skipped) or ["a", "b"] pairs;
    /// rank = position. A repeated pair keeps its last rank, as tokenizers' HashMap collect does.
    private static func parseMerges(_ node: JSONNode, vocab: PieceTable, prefixLength: Int) throws -> PairTable {
        if node.isNull { return PairTable() }
        guard let items = node.value as? [Any] else { throw node.error("expected an array") }
        var table = PairTable(capacity: items.count)
        var rank: UInt64 = 0
        for (index, item) in items.enumerated() {
            let itemNode = JSONNode(value: item, path: "\(node.path)[\(index)]", file: node.file)
            let a: String, b: String
            if let line = item as? String {
                if line.hasPrefix("#version") { continue }
                let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw itemNode.error("a merge must be two tokens separated by one space") }
                a = String(parts[0])
                b = String(parts[1])
            } else if let parts = item as? [Any], parts.count == 2, let first = parts[0] as? String, let second = parts[1] as? String {
                a = first
                b = second
            } else {
                throw itemNode.error("a merge must be \"a b\" or [\"a\", \"b\"]")
            }
            guard let left = vocab.lookup(a.utf8) else { throw itemNode.error("merge token \"\(a)\" is not in the vocabulary") }
            guard let right = vocab.lookup(b.utf8) else { throw itemNode.error("merge token \"\(b)\" is not in the vocabulary") }
            let merged = Array(a.utf8) + Array(b.utf8).dropFirst(prefixLength)
            guard let id = vocab.lookup(merged) else {
                throw itemNode.error("merged token \"\(String(decoding: merged, as: UTF8.self))\" is not in the vocabulary")
            }
            table.set(left, right, rank << 32 | UInt64(UInt32(bitPattern: id)))
            rank += 1
        }
        return table
    }

    struct Symbol {
        var id: TokenID
        var prev: Int32
        var next: Int32
        var length: Int32   // bytes of the original word; 0 once merged away
    }

    struct Merge: Comparable {
        var rank: UInt32
        var position: Int32
        var newID: TokenID
        static func < (a: Merge, b: Merge) -> Bool { a.rank < b.rank || (a.rank == b.rank && a.position < b.position) }
    }

    /// Appends the ids of one pre-tokenized word (valid UTF-8).
    func tokenize(_ word: UnsafeBufferPointer<UInt8>, quadraticReference: Bool = false, into ids: inout [TokenID]) {
        let n = word.count
        guard let base = word.baseAddress, n > 0 else { return }
        if ignoreMerges, let id = vocab.lookup(base, n) {
            ids.append(id)
            return
        }
        var symbols: [Symbol] = []
        symbols.reserveCapacity(n)
        func add(_ id: TokenID, _ length: Int) {
            let index = Int32(symbols.count)
            symbols.append(Symbol(id: id, prev: index - 1, next: index + 1, length: Int32(length)))
        }
        var pendingUnknown: (id: TokenID, length: Int)? = nil
        var scratch: [UInt8] = []
        let decorated = !continuingSubwordPrefix.isEmpty || !endOfWordSuffix.isEmpty
        var i = 0
        while i < n {
            let length = min(n - i, UTF8Scanning.leadLength(base[i]))
            let isFirst = i == 0, isLast = i + length == n
            var found: TokenID?
            if decorated {
                scratch.removeAll(keepingCapacity: true)
                if !isFirst { scratch += continuingSubwordPrefix }
                scratch += UnsafeBufferPointer(start: base + i, count: length)
                if isLast { scratch += endOfWordSuffix }
                found = scratch.withUnsafeBufferPointer { vocab.lookup($0.baseAddress!, $0.count) }
            } else {
                found = vocab.lookup(base + i, length)
            }
            if let id = found {
                if let unk = pendingUnknown { add(unk.id, unk.length); pendingUnknown = nil }
                add(id, length)
            } else if byteFallback && (0..<length).allSatisfy({ byteIDs[Int(base[i + $0])] >= 0 }) {
                if let unk = pendingUnknown { add(unk.id, unk.length); pendingUnknown = nil }
                for k in 0..<length { add(byteIDs[Int(base[i + k])], 1) }
            } else if let unk = unknownID {
                if let pending = pendingUnknown {
                    if fuseUnknown {
                        pendingUnknown = (pending.id, pending.length + length)
                    } else {
                        add(pending.id, pending.length)
                        pendingUnknown = (unk, length)
                    }
                } else {
                    pendingUnknown = (unk, length)
                }
            }
            i += length
        }
        if let unk = pendingUnknown { add(unk.id, unk.length) }
        guard !symbols.isEmpty else { return }
        symbols[symbols.count - 1].next = -1
        if quadraticReference {
            ids += mergeQuadratically(symbols.map(\.id))
            return
        }
        mergeAll(&symbols)
        var index: Int32 = 0
        while index >= 0 {
            ids.append(symbols[Int(index)].id)
            index = symbols[Int(index)].next
        }
    }

    /// The textbook loop: find the lowest-rank adjacent pair (leftmost on ties), merge it, rescan.
    private func mergeQuadratically(_ start: [TokenID]) -> [TokenID] {
        var ids = start
        while ids.count > 1 {
            var best: (rank: UInt64, position: Int, id: TokenID)? = nil
            for p in 0..<(ids.count - 1) {
                if let m = merges.get(ids[p], ids[p + 1]), best == nil || (m >> 32) < best!.rank {
                    best = (m >> 32, p, TokenID(bitPattern: UInt32(m & 0xFFFF_FFFF)))
                }
            }
            guard let merge = best else { break }
            ids[merge.position] = merge.id
            ids.remove(at: merge.position + 1)
        }
        return ids
    }

    /// tokenizers' `Word::merge_all`.
    private func mergeAll(_ symbols: inout [Symbol]) {
        var queue = MinHeap<Merge>(capacity: symbols.count)
        func candidate(_ position: Int32) -> Merge? {
            let s = symbols[Int(position)]
            guard s.next >= 0, let m = merges.get(s.id, symbols[Int(s.next)].id) else { return nil }
            return Merge(rank: UInt32(m >> 32), position: position, newID: TokenID(bitPattern: UInt32(m & 0xFFFF_FFFF)))
        }
        for p in 0..<Int32(symbols.count - 1) { if let m = candidate(p) { queue.push(m) } }
        while let top = queue.pop() {
            let current = symbols[Int(top.position)]
            if current.length == 0 || current.next < 0 { continue }
            let nextPosition = current.next
            let right = symbols[Int(nextPosition)]
            // An expired entry: the pair at this position no longer merges into the same token.
            guard let m = merges.get(current.id, right.id), TokenID(bitPattern: UInt32(m & 0xFFFF_FFFF)) == top.newID else { continue }
            symbols[Int(top.position)].id = top.newID
            symbols[Int(top.position)].length += right.length
            symbols[Int(top.position)].next = right.next
            symbols[Int(nextPosition)].length = 0
            if right.next >= 0 { symbols[Int(right.next)].prev = top.position }
            if current.prev >= 0, let m = candidate(current.prev) { queue.push(m) }
            if let m = candidate(top.position) { queue.push(m) }
        }
    }
}
