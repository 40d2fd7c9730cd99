import Foundation

/// Bradley-Terry ratings from pairwise votes, as Chatbot Arena reports them: each model has a strength
/// `p`, and it beats another with probability `p_a / (p_a + p_b)`. Strengths are fitted by maximum
/// likelihood (Hunter's MM iteration) and shown on the Elo scale, `1000 + 400 log10(p / geometric mean)`,
/// so a 100-point gap means the higher model wins about 64% of its votes. A tie counts half a win to each.
///
/// A model that won (or lost) every vote would have an infinite rating. As a prior, every pair that
/// met gets one extra virtual tie, which keeps ratings finite and pulls those with few votes towards
/// each other (it weighs as one vote).
///
/// Confidence intervals come from the percentile bootstrap over votes (votes redrawn with
/// replacement, ratings refitted), seeded so the same votes always print the same intervals.
public enum BradleyTerry {
    /// One vote between players `a` and `b`: `scoreA` 1 (a won), 0 (b won) or 0.5 (a tie).
    public struct Vote: Sendable, Equatable {
        public var a: Int
        public var b: Int
        public var scoreA: Double

        public init(a: Int, b: Int, scoreA: Double) {
            precondition(a != b, "a vote is between two different players")
            precondition((0...1).contains(scoreA), "a vote's score is 0, 0.5 or 1")
            self.a = a
            self.b = b
            self.scoreA = scoreA
        }
    }

    /// A player's rating and its 95% interval, on the Elo scale.
    public struct Rating: Sendable, Equatable {
        public var rating: Double
        public var interval: Bootstrap.Interval
    }

    /// Elo-scale ratings of `players` players (indices `0..<players`) from `votes`; players without a
    /// vote get 1000. The mean of the log-strengths of the players with votes is 1000.
    public static func fit(players: Int, votes: [Vote], iterations: Int = 10_000, tolerance: Double = 1e-10) -> [Double] {
        fit(players: players, outcomes: Outcome.tally(votes), counts: nil, iterations: iterations, tolerance: tolerance)
    }

    /// The distinct kinds of vote (pair and score) and how many of each: a bootstrap redraw only
    /// changes the counts, so each resample is a counting pass, not a rebuild of the pairs.
    struct Outcome {
        var vote: Vote
        var count: Int

        static func tally(_ votes: [Vote]) -> [Outcome] {
            var index: [[Double]: Int] = [:]
            var out: [Outcome] = []
            for v in votes {
                let key = [Double(v.a), Double(v.b), v.scoreA]
                if let i = index[key] { out[i].count += 1 } else { index[key] = out.count; out.append(Outcome(vote: v, count: 1)) }
            }
            return out
        }
    }

    /// The MM fit over outcome kinds, each weighted by `counts[i]` (or its own count).
    static func fit(players: Int, outcomes: [Outcome], counts: [Int]?, iterations: Int, tolerance: Double) -> [Double] {
        // Pairs that met, each with its games and the lower player's points, plus the virtual tie.
        var games: [Int: (n: Double, pointsLow: Double)] = [:]
        for (i, o) in outcomes.enumerated() {
            let count = Double(counts?[i] ?? o.count)
            guard count > 0 else { continue }
            let v = o.vote
            let (low, high) = (min(v.a, v.b), max(v.a, v.b))
            let key = low * players + high
            var entry = games[key] ?? (1, 0.5)
            entry.n += count
            entry.pointsLow += count * (v.a == low ? v.scoreA : 1 - v.scoreA)
            games[key] = entry
        }
        var points = [Double](repeating: 0, count: players)
        var opponents = [[(other: Int, n: Double)]](repeating: [], count: players)
        for (key, g) in games {
            let (low, high) = (key / players, key % players)
            points[low] += g.pointsLow
            points[high] += g.n - g.pointsLow
            opponents[low].append((high, g.n))
            opponents[high].append((low, g.n))
        }
        let rated = (0..<players).filter { !opponents[$0].isEmpty }
        var strength = [Double](repeating: 1, count: players)
        for _ in 0..<iterations {
            var next = strength
            for i in rated {
                let denominator = opponents[i].reduce(0.0) { $0 + $1.n / (strength[i] + strength[$1.other]) }
                next[i] = points[i] / denominator
            }
            // Strengths are defined up to a factor: keep their geometric mean at 1.
            let logMean = rated.reduce(0.0) { $0 + log(next[$1]) } / Double(max(rated.count, 1))
            for i in rated { next[i] /= exp(logMean) }
            let change = zip(next, strength).map { abs(log($0) - log($1)) }.max() ?? 0
            strength = next
            if change < tolerance { break }
        }
        return (0..<players).map { opponents[$0].isEmpty ? 1000 : 1000 + 400 * log10(strength[$0]) }
    }

    /// Ratings with 95% percentile-bootstrap intervals over `resamples` redraws of the votes.
    public static func ratings(players: Int, votes: [Vote], resamples: Int = 1000, level: Double = 0.95,
                               seed: UInt64 = 20_250_101) -> [Rating] {
        let point = fit(players: players, votes: votes)
        guard !votes.isEmpty, resamples > 0 else {
            return point.map { Rating(rating: $0, interval: Bootstrap.Interval(low: $0, high: $0)) }
        }
        // Votes redrawn with replacement, counted per outcome kind.
        let outcomes = Outcome.tally(votes)
        let kindOfVote = outcomes.enumerated().flatMap { i, o in Array(repeating: i, count: o.count) }
        var state = seed
        var draws = [[Double]](repeating: [], count: players)
        var counts = [Int](repeating: 0, count: outcomes.count)
        for _ in 0..<resamples {
            for i in counts.indices { counts[i] = 0 }
            for _ in 0..<votes.count { counts[kindOfVote[Int(Bootstrap.splitMix(&state) % UInt64(votes.count))]] += 1 }
            let r = fit(players: players, outcomes: outcomes, counts: counts, iterations: 2000, tolerance: 1e-8)
            for i in 0..<players { draws[i].append(r[i]) }
        }
        return (0..<players).map { Rating(rating: point[$0], interval: Bootstrap.percentileInterval(draws[$0], level: level)) }
    }
}
