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
        // Pairs that met, each with its games and player a's points, plus the virtual tie.
        var games: [Int: (n: Double, pointsLow: Double)] = [:]
        for v in votes {
            let (low, high) = (min(v.a, v.b), max(v.a, v.b))
            let key = low * players + high
            var entry = games[key] ?? (1, 0.5)
            entry.n += 1
            entry.pointsLow += v.a == low ? v.scoreA : 1 - v.scoreA
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
        var strength = [Double](repeating: 1, count: players)
        for _ in 0..<iterations {
            var next = strength
            for i in 0..<players where !opponents[i].isEmpty {
                let denominator = opponents[i].reduce(0.0) { $0 + $1.n / (strength[i] + strength[$1.other]) }
                next[i] = points[i] / denominator
            }
            // Strengths are defined up to a factor: keep their geometric mean at 1.
            let rated = (0..<players).filter { !opponents[$0].isEmpty }
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
        var state = seed
        var draws = [[Double]](repeating: [], count: players)
        for _ in 0..<resamples {
            let sample = (0..<votes.count).map { _ in votes[Int(Bootstrap.splitMix(&state) % UInt64(votes.count))] }
            for (i, r) in fit(players: players, votes: sample, iterations: 2000, tolerance: 1e-8).enumerated() { draws[i].append(r) }
        }
        return (0..<players).map { Rating(rating: point[$0], interval: Bootstrap.percentileInterval(draws[$0], level: level)) }
    }
}
