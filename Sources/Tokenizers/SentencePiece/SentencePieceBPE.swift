/// SentencePiece's BPE segmentation (bpe_model.cc `Model::Encode`), over a linked list of symbols with
/// an agenda of candidate merges: O(n log n) in the length of the normalized text.
extension SentencePieceTokenizer {
    struct Symbol {
        var start: Int32
        var length: Int32      // 0 once merged into its left neighbour
        var prev: Int32
        var next: Int32
        var frozen: Bool       // user-defined symbols never merge
    }

    /// A candidate merge of `left` and `right`; the agenda pops the highest score, then the leftmost.
    struct Candidate: Comparable {
        var score: Float
        var left: Int32
        var right: Int32
        var size: Int32

        static func < (a: Candidate, b: Candidate) -> Bool {
            a.score > b.score || (a.score == b.score && a.left < b.left)
        }
        static func == (a: Candidate, b: Candidate) -> Bool {
            a.score == b.score && a.left == b.left
        }
    }

    /// Appends the ids of already-normalized UTF-8 text.
    func encodeNormalized(_ text: UnsafeBufferPointer<UInt8>, into ids: inout [TokenID]) {
        guard let base = text.baseAddress, text.count > 0 else { return }
        let end = text.count

        // Split into characters, user-defined symbols taken whole (longest match) and frozen.
        var symbols: [Symbol] = []
        symbols.reserveCapacity(end)
        var position = 0
        while position < end {
            var length: Int
            var frozen = false
            if let match = normalizer.userDefined.longestMatch(text, from: position, to: end) {
                length = match.length
                frozen = true
            } else {
                length = min(end - position, UTF8Scanning.leadLength(text[position]))
            }
            let index = Int32(symbols.count)
            symbols.append(Symbol(start: Int32(position), length: Int32(length), prev: index - 1,
                                  next: position + length < end ? index + 1 : -1, frozen: frozen))
            position += length
        }

        // Merged UNUSED pieces are split back into the pieces they were made of (`rev_merge`).
        var reverseMerges: [TokenID: (Range<Int32>, Range<Int32>)] = [:]
        var agenda = MinHeap<Candidate>(capacity: symbols.count)

        func consider(_ left: Int32, _ right: Int32) {
            if left < 0 || right < 0 { return }
            let l = symbols[Int(left)], r = symbols[Int(right)]
            if l.frozen || r.frozen { return }
            let size = Int(l.length + r.length)
            guard let id = mergeable.lookup(base + Int(l.start), size) else { return }
            agenda.push(Candidate(score: scores[Int(id)], left: left, right: right, size: Int32(size)))
            if types[Int(id)] == .unused {
                reverseMerges[id] = (l.start..<(l.start + l.length), r.start..<(r.start + r.length))
            }
        }

        for i in 1..<max(1, symbols.count) { consider(Int32(i - 1), Int32(i)) }

        while let top = agenda.pop() {
            let l = symbols[Int(top.left)], r = symbols[Int(top.right)]
            // Stale: one side was merged away, or either side has grown since this pair was scored.
            if l.length == 0 || r.length == 0 || l.length + r.length != top.size { continue }
            symbols[Int(top.left)].length = top.size
            symbols[Int(top.left)].next = r.next
            if r.next >= 0 { symbols[Int(r.next)].prev = top.left }
            symbols[Int(top.right)].length = 0
            consider(symbols[Int(top.left)].prev, top.left)
            consider(top.left, symbols[Int(top.left)].next)
        }

        func resegment(_ range: Range<Int32>) {
            let start = base + Int(range.lowerBound), count = range.count
            let id = pieceID(start, count)
            if id != unknownID && types[Int(id)] == .unused, let parts = reverseMerges[id] {
                resegment(parts.0)
                resegment(parts.1)
            } else {
                emit(start, count, into: &ids)
            }
        }

        var index: Int32 = 0
        while index >= 0 {
            let s = symbols[Int(index)]
            if reverseMerges.isEmpty {
                emit(base + Int(s.start), Int(s.length), into: &ids)
            } else {
                resegment(s.start..<(s.start + s.length))
            }
            index = s.next
        }
    }
}
