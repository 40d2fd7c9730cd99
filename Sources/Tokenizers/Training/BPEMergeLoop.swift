/// The merge loop of BPE training: pair counts over distinct words, a lazy max-heap of pairs (count,
/// then smaller ids first), and per-pair lists of the words containing them so a merge only rewrites
/// those words.
struct BPEMergeLoop {
    enum Decision { case use(Int32), skip }

    private var words: [[Int32]]
    private let counts: [Int]
    private let firstMergeable: Int32          // ids below (specials, bytes) never merge
    private let minimumFrequency: Int
    private let maximumLength: Int

    private var pairCounts = PairTable(capacity: 1 << 16)   // pair -> count (Int64 bits)
    private var pairWords = PairTable(capacity: 1 << 16)    // pair -> index into wordLists
    private var wordLists: [[Int32]] = []
    private var listPairs: [(Int32, Int32)] = []

    struct Entry: Comparable {
        var count: Int
        var left: Int32
        var right: Int32
        static func < (a: Entry, b: Entry) -> Bool {
            if a.count != b.count { return a.count > b.count }
            return a.left != b.left ? a.left < b.left : a.right < b.right
        }
    }

    init(symbols: [[Int32]], counts: [Int], firstMergeable: Int32, minimumFrequency: Int, maximumLength: Int) {
        words = symbols
        self.counts = counts
        self.firstMergeable = firstMergeable
        self.minimumFrequency = max(1, minimumFrequency)
        self.maximumLength = maximumLength
    }

    private func count(_ l: Int32, _ r: Int32) -> Int { pairCounts.get(l, r).map { Int(Int64(bitPattern: $0)) } ?? 0 }

    private mutating func add(_ l: Int32, _ r: Int32, _ delta: Int, word: Int32) {
        let updated = count(l, r) + delta
        pairCounts.set(l, r, UInt64(bitPattern: Int64(updated)))
        if delta > 0 {
            if let list = pairWords.get(l, r) {
                if wordLists[Int(list)].last != word { wordLists[Int(list)].append(word) }
            } else {
                pairWords.set(l, r, UInt64(wordLists.count))
                wordLists.append([word])
                listPairs.append((l, r))
            }
        }
    }

    /// Runs until `decide` returns nil (vocabulary full) or no pair is frequent enough. `decide` names
    /// the id a pair merges into (or skips it); `length` gives a token's length in characters.
    mutating func run(_ decide: (Int32, Int32) throws -> Decision?, length: (Int32) -> Int) rethrows {
        let firstMergeable = self.firstMergeable, maximumLength = self.maximumLength
        func mergeable(_ l: Int32, _ r: Int32) -> Bool {
            l >= firstMergeable && r >= firstMergeable && length(l) + length(r) <= maximumLength
        }
        for (w, word) in words.enumerated() where word.count > 1 {
            for i in 0..<(word.count - 1) where mergeable(word[i], word[i + 1]) {
                add(word[i], word[i + 1], counts[w], word: Int32(w))
            }
        }
        var heap = MinHeap<Entry>(capacity: wordLists.count)
        for (l, r) in listPairs where count(l, r) >= minimumFrequency {
            heap.push(Entry(count: count(l, r), left: l, right: r))
        }
        var processed = [Int32](repeating: -1, count: words.count)
        var mergeNumber: Int32 = 0
        while let top = heap.pop() {
            let current = count(top.left, top.right)
            if current != top.count {
                if current >= minimumFrequency { heap.push(Entry(count: current, left: top.left, right: top.right)) }
                continue
            }
            if current < minimumFrequency { break }
            guard let decision = try decide(top.left, top.right) else { break }
            guard case let .use(newID) = decision else {
                pairCounts.set(top.left, top.right, 0)   // never again: pairs of existing tokens only shrink
                continue
            }
            mergeNumber += 1
            let list = Int(pairWords.get(top.left, top.right)!)
            var touched: [(Int32, Int32)] = []
            let members = wordLists[list]
            for w in members where processed[Int(w)] != mergeNumber {
                processed[Int(w)] = mergeNumber
                mergeWord(Int(w), top.left, top.right, into: newID, mergeable: mergeable, touched: &touched)
            }
            pairCounts.set(top.left, top.right, 0)
            for (l, r) in touched {
                let c = count(l, r)
                if c >= minimumFrequency { heap.push(Entry(count: c, left: l, right: r)) }
            }
        }
    }

    /// Replaces each (left, right) in word `w` with `newID`, left to right, updating neighbour pairs.
    private mutating func mergeWord(_ w: Int, _ left: Int32, _ right: Int32, into newID: Int32,
                                    mergeable: (Int32, Int32) -> Bool, touched: inout [(Int32, Int32)]) {
        var word = words[w]
        let count = counts[w]
        var out: [Int32] = []
        out.reserveCapacity(word.count)
        var i = 0
        while i < word.count {
            if i + 1 < word.count && word[i] == left && word[i + 1] == right {
                if let previous = out.last {
                    // The previous symbol was paired with `left`; now it pairs with the merged token.
                    if mergeable(previous, left) { add(previous, left, -count, word: Int32(w)) }
                    if mergeable(previous, newID) {
                        add(previous, newID, count, word: Int32(w))
                        touched.append((previous, newID))
                    }
                }
                if i + 2 < word.count {
                    let next = word[i + 2]
                    if mergeable(right, next) { add(right, next, -count, word: Int32(w)) }
                    if mergeable(newID, next) {
                        add(newID, next, count, word: Int32(w))
                        touched.append((newID, next))
                    }
                }
                out.append(newID)
                i += 2
            } else {
                out.append(word[i])
                i += 1
            }
        }
        word = out
        words[w] = word
    }
}
