/// A byte trie answering "which of these strings is the longest one starting here?": SentencePiece's
/// user-defined symbols and tokenizer.json's added tokens are both matched longest-first.
struct PrefixMatcher {
    /// (node << 8 | byte) -> child node.
    private var edges: [Int: Int32] = [:]
    /// The value of the string ending at each node, or -1.
    private var terminal: [Int32] = [-1]
    /// Whether any string starts with a given byte (rejects most positions in one load).
    private var firstByte = [Bool](repeating: false, count: 256)

    var isEmpty: Bool { terminal.count == 1 }

    /// Adds `key` with `value`; a later insert of the same key replaces the value.
    mutating func insert(_ key: [UInt8], value: Int32) {
        guard let first = key.first else { return }
        firstByte[Int(first)] = true
        var node = 0
        for byte in key {
            let edge = node << 8 | Int(byte)
            if let next = edges[edge] {
                node = Int(next)
            } else {
                terminal.append(-1)
                let next = terminal.count - 1
                edges[edge] = Int32(next)
                node = next
            }
        }
        terminal[node] = value
    }

    /// The longest match starting at `start` (strictly before `end`) as (length, value).
    @inline(__always)
    func longestMatch(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> (length: Int, value: Int32)? {
        guard start < end, firstByte[Int(bytes[start])] else { return nil }
        var node = 0
        var best: (Int, Int32)? = nil
        var i = start
        while i < end, let next = edges[node << 8 | Int(bytes[i])] {
            node = Int(next)
            i += 1
            if terminal[node] >= 0 { best = (i - start, terminal[node]) }
        }
        return best
    }
}
