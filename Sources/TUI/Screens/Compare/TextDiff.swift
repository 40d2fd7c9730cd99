/// A word-level diff of two texts (the compare screen's "differences only" view).
///
/// Words keep their trailing whitespace, so joining a side's runs gives back its text exactly. The
/// common prefix and suffix are matched first; the middle gets an exact longest-common-subsequence diff
/// when it is small enough (at most `cellBudget` word pairs), else it is reported as replaced whole
/// (`isApproximate`), which keeps the cost bounded for long, very different outputs.
enum TextDiff {
    enum Run: Equatable {
        case same(String)
        /// Only in the first text.
        case removed(String)
        /// Only in the second text.
        case added(String)
    }

    struct Result: Equatable {
        var runs: [Run]
        var isApproximate: Bool
        var identical: Bool { runs.allSatisfy { if case .same = $0 { return true } else { return false } } }
        /// Words only in the first / second text.
        var removedWords = 0
        var addedWords = 0
    }

    /// Splits into words with their trailing whitespace (leading whitespace is its own token).
    static func tokens(_ text: String) -> [Substring] {
        var out: [Substring] = []
        var start = text.startIndex
        var afterSpace = false
        var i = start
        while i < text.endIndex {
            let isSpace = text[i].isWhitespace
            if !isSpace && afterSpace {  // a word begins: the token before it ends here
                out.append(text[start..<i])
                start = i
            }
            afterSpace = isSpace
            i = text.index(after: i)
        }
        if start < text.endIndex { out.append(text[start...]) }
        return out
    }

    static func words(_ a: String, _ b: String, cellBudget: Int = 1_000_000) -> Result {
        let x = tokens(a), y = tokens(b)
        var prefix = 0
        while prefix < x.count, prefix < y.count, x[prefix] == y[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < x.count - prefix, suffix < y.count - prefix, x[x.count - 1 - suffix] == y[y.count - 1 - suffix] { suffix += 1 }
        let xm = Array(x[prefix..<(x.count - suffix)]), ym = Array(y[prefix..<(y.count - suffix)])
        var ops: [(kind: Int, token: Substring)] = x[..<prefix].map { (0, $0) }
        var approximate = false
        if xm.count * ym.count <= cellBudget {
            ops += lcs(xm, ym)
        } else {
            approximate = true
            ops += xm.map { (1, $0) } + ym.map { (2, $0) }
        }
        ops += x[(x.count - suffix)...].map { (0, $0) }
        var result = Result(runs: [], isApproximate: approximate)
        for op in ops {
            if op.kind == 1 { result.removedWords += 1 } else if op.kind == 2 { result.addedWords += 1 }
            let text = String(op.token)
            switch (result.runs.last, op.kind) {
            case (.same(let t)?, 0): result.runs[result.runs.count - 1] = .same(t + text)
            case (.removed(let t)?, 1): result.runs[result.runs.count - 1] = .removed(t + text)
            case (.added(let t)?, 2): result.runs[result.runs.count - 1] = .added(t + text)
            default: result.runs.append(op.kind == 0 ? .same(text) : op.kind == 1 ? .removed(text) : .added(text))
            }
        }
        return result
    }

    /// Exact LCS diff: 0 same, 1 removed (in x only), 2 added (in y only); removals before additions.
    private static func lcs(_ x: [Substring], _ y: [Substring]) -> [(kind: Int, token: Substring)] {
        let n = x.count, m = y.count
        guard n > 0, m > 0 else { return x.map { (1, $0) } + y.map { (2, $0) } }
        // length[i * (m + 1) + j] = LCS length of x[i...] and y[j...].
        var length = [Int32](repeating: 0, count: (n + 1) * (m + 1))
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                length[i * (m + 1) + j] = x[i] == y[j] ? length[(i + 1) * (m + 1) + j + 1] + 1
                    : max(length[(i + 1) * (m + 1) + j], length[i * (m + 1) + j + 1])
            }
        }
        var out: [(kind: Int, token: Substring)] = []
        var i = 0, j = 0
        while i < n && j < m {
            if x[i] == y[j] {
                out.append((0, x[i])); i += 1; j += 1
            } else if length[(i + 1) * (m + 1) + j] >= length[i * (m + 1) + j + 1] {
                out.append((1, x[i])); i += 1
            } else {
                out.append((2, y[j])); j += 1
            }
        }
        out += x[i...].map { (1, $0) } + y[j...].map { (2, $0) }
        return out
    }
}
