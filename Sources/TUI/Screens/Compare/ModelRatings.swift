import Engine
import Sessions

/// A model's Bradley-Terry rating from the stored votes, for the win-rates view.
struct ModelRating: Equatable {
    var model: ModelRecord
    var rating: BradleyTerry.Rating
    var votes: Int
}

enum ModelRatings {
    /// Ratings of every model in `rates` (all votes, blind or not), highest first.
    static func from(_ rates: [WinRate], resamples: Int = 1000) -> [ModelRating] {
        var models: [ModelRecord] = []
        var index: [Int64: Int] = [:]
        func player(_ m: ModelRecord) -> Int {
            if let i = index[m.id] { return i }
            index[m.id] = models.count
            models.append(m)
            return models.count - 1
        }
        var votes: [BradleyTerry.Vote] = []
        var counts: [Int64: Int] = [:]
        for rate in rates {
            let a = player(rate.modelA), b = player(rate.modelB)
            votes += Array(repeating: .init(a: a, b: b, scoreA: 1), count: rate.winsA)
            votes += Array(repeating: .init(a: a, b: b, scoreA: 0), count: rate.winsB)
            votes += Array(repeating: .init(a: a, b: b, scoreA: 0.5), count: rate.ties)
            counts[rate.modelA.id, default: 0] += rate.total
            counts[rate.modelB.id, default: 0] += rate.total
        }
        guard !votes.isEmpty else { return [] }
        let ratings = BradleyTerry.ratings(players: models.count, votes: votes, resamples: resamples)
        return zip(models, ratings).map { ModelRating(model: $0, rating: $1, votes: counts[$0.id] ?? 0) }
            .sorted { $0.rating.rating > $1.rating.rating }
    }
}
