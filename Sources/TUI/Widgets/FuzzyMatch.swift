/// Fuzzy matching for the command palette: the query's characters must appear in order (case-insensitive);
/// matches at word starts and in runs score higher, and so do shorter candidates.
public enum FuzzyMatch {
    public struct Match: Equatable {
        public var score: Int
        /// Character offsets (in the candidate) of the matched characters, for highlighting.
        public var positions: [Int]
    }

    /// The best-scoring match of `query` in `candidate`, or nil if the query is not a subsequence.
    /// An empty query matches everything with score 0.
    public static func match(_ query: String, in candidate: String) -> Match? {
        let q = Array(query.lowercased().filter { $0 != " " })
        guard !q.isEmpty else { return Match(score: 0, positions: []) }
        let original = Array(candidate)
        let c = original.map { Character($0.lowercased()) }
        // Greedy from each possible start of the first character; keep the best.
        var best: Match? = nil
        for start in c.indices where c[start] == q[0] {
            var positions = [start]
            var j = start + 1
            for ch in q.dropFirst() {
                while j < c.count, c[j] != ch { j += 1 }
                guard j < c.count else { positions = []; break }
                positions.append(j)
                j += 1
            }
            guard positions.count == q.count else { break }  // later starts cannot succeed either
            let score = self.score(positions, in: original)
            if best == nil || score > best!.score { best = Match(score: score, positions: positions) }
        }
        return best
    }

    private static func score(_ positions: [Int], in candidate: [Character]) -> Int {
        var score = 0
        for (k, p) in positions.enumerated() {
            score += 10
            let atWordStart = p == 0 || !candidate[p - 1].isLetter && !candidate[p - 1].isNumber
                || (candidate[p].isUppercase && candidate[p - 1].isLowercase)
            if atWordStart { score += 15 }
            if k > 0, positions[k - 1] == p - 1 { score += 12 }
        }
        score -= positions[0]  // earlier is better
        score -= candidate.count / 4  // shorter is better
        return score
    }
}
