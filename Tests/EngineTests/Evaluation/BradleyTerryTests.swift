import Foundation
import Testing
@testable import Engine

/// Bradley-Terry ratings against cases worked out by hand, and the maximum-likelihood equations.
@Suite struct BradleyTerryTests {
    func votes(_ a: Int, _ b: Int, wins: Int, losses: Int, ties: Int = 0) -> [BradleyTerry.Vote] {
        Array(repeating: .init(a: a, b: b, scoreA: 1), count: wins) + Array(repeating: .init(a: a, b: b, scoreA: 0), count: losses)
            + Array(repeating: .init(a: a, b: b, scoreA: 0.5), count: ties)
    }

    /// Two models, A won 3 of 4 votes. With the virtual tie A has 3.5 of 5 points, so
    /// p_A / p_B = 3.5 / 1.5 and the gap is 400 log10(7/3) = 147.19, split around 1000.
    @Test func twoModelsByHand() {
        let r = BradleyTerry.fit(players: 2, votes: votes(0, 1, wins: 3, losses: 1))
        let gap = 400 * log10(7.0 / 3.0)
        #expect(abs(r[0] - (1000 + gap / 2)) < 1e-6 && abs(r[1] - (1000 - gap / 2)) < 1e-6, "\(r)")
        // Ties count half: two ties and one win each way is even.
        let even = BradleyTerry.fit(players: 2, votes: votes(0, 1, wins: 1, losses: 1, ties: 2))
        #expect(abs(even[0] - 1000) < 1e-9 && abs(even[1] - 1000) < 1e-9)
        // A model that won every vote still gets a finite rating.
        let sweep = BradleyTerry.fit(players: 2, votes: votes(1, 0, wins: 5, losses: 0))
        #expect(sweep[1].isFinite && sweep[1] > sweep[0])
    }

    /// Three models in a chain (A beat B, B beat C, never A against C): at the fit, each model's
    /// expected points equal its actual points (the likelihood equations), virtual ties included.
    @Test func fitSolvesTheLikelihoodEquations() {
        let all = votes(0, 1, wins: 6, losses: 2) + votes(1, 2, wins: 5, losses: 1, ties: 2)
        let r = BradleyTerry.fit(players: 4, votes: all)
        #expect(r[3] == 1000)  // no votes
        #expect(r[0] > r[1] && r[1] > r[2])
        let p = r.map { pow(10, ($0 - 1000) / 400) }
        // (pair, games with the virtual tie, points of the first).
        let pairs = [((0, 1), 9.0, 6.5), ((1, 2), 9.0, 6.5)]
        var actual = [Double](repeating: 0, count: 3), expected = [Double](repeating: 0, count: 3)
        for ((i, j), n, pointsI) in pairs {
            actual[i] += pointsI
            actual[j] += n - pointsI
            expected[i] += n * p[i] / (p[i] + p[j])
            expected[j] += n * p[j] / (p[i] + p[j])
        }
        for k in 0..<3 { #expect(abs(actual[k] - expected[k]) < 1e-6, "model \(k): \(actual[k]) vs \(expected[k])") }
        // Log-strengths of the rated models average to 1000.
        #expect(abs((r[0] + r[1] + r[2]) / 3 - 1000) < 1e-6)
    }

    @Test func bootstrapIntervalsContainTheRatingAndNarrowWithMoreVotes() {
        let few = BradleyTerry.ratings(players: 2, votes: votes(0, 1, wins: 6, losses: 4), resamples: 400)
        let many = BradleyTerry.ratings(players: 2, votes: votes(0, 1, wins: 60, losses: 40), resamples: 400)
        for rating in few + many { #expect(rating.interval.low <= rating.rating && rating.rating <= rating.interval.high) }
        let width = { (r: BradleyTerry.Rating) in r.interval.high - r.interval.low }
        #expect(width(many[0]) < width(few[0]) / 2)
        // Seeded: the same votes give the same intervals.
        #expect(BradleyTerry.ratings(players: 2, votes: votes(0, 1, wins: 6, losses: 4), resamples: 400) == few)
    }
}
