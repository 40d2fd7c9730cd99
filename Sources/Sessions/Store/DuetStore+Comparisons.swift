import Foundation
import GRDB

extension ComparisonEntry {
    init(_ r: RowReader, staleAfter: TimeInterval, now: Date, hostName: String) throws {
        let updatedAt = try r.date("updatedAt")
        let status = try GenerationOwner.status(r, updatedAt: updatedAt, staleAfter: staleAfter, now: now, hostName: hostName)
        self.init(id: try r("id"), comparisonId: try r("comparisonId"), position: try r("position"),
                  modelId: try r("modelId"), sampling: try r.json("sampling"), output: try r("output"),
                  status: status, error: try r.optional("error"), updatedAt: updatedAt, stats: try MessageStats(r))
    }
}

extension DuetStore {
    /// Records a comparison of `prompt` across `contenders` (two or more); each side starts `pending`.
    /// Fill the sides with ``beginOutput(forEntry:flushInterval:onFlush:)``.
    @discardableResult
    public func createComparison(prompt: String, systemPrompt: String? = nil, labelsHidden: Bool,
                                 contenders: [Contender]) throws(SessionsError) -> Comparison {
        guard contenders.count >= 2 else { throw .invalidArgument("a comparison needs at least two contenders") }
        return try write { db in
            for contender in contenders where try !exists(db, table: "model", id: contender.modelId) {
                throw SessionsError.notFound(kind: "model", id: contender.modelId)
            }
            let now = Date().unixSeconds
            let id = try Int64.fetchOne(db, sql: """
                INSERT INTO comparison (prompt, systemPrompt, labelsHidden, createdAt) VALUES (?, ?, ?, ?) RETURNING id
                """, arguments: [prompt, systemPrompt, labelsHidden, now])!
            for (position, contender) in contenders.enumerated() {
                try db.execute(sql: """
                    INSERT INTO comparisonEntry (comparisonId, position, modelId, sampling, status, updatedAt)
                    VALUES (?, ?, ?, ?, 'pending', ?)
                    """, arguments: [id, position, contender.modelId, try jsonText(contender.sampling), now])
            }
            return try fetchComparisons(db, whereSQL: "comparison.id = ?", arguments: [id], limit: 1)[0]
        }
    }

    public func comparison(id: Int64) throws(SessionsError) -> Comparison? {
        try read { db in try fetchComparisons(db, whereSQL: "comparison.id = ?", arguments: [id], limit: 1).first }
    }

    /// Comparisons, newest first.
    public func comparisons(limit: Int = 50) throws(SessionsError) -> [Comparison] {
        try read { db in try fetchComparisons(db, whereSQL: "1", arguments: [], limit: limit) }
    }

    /// Records (or with nil clears) the user's vote.
    public func setVote(_ vote: Vote?, forComparison id: Int64) throws(SessionsError) {
        try write { db in
            let sides = try Int.fetchOne(db, sql: "SELECT count(*) FROM comparisonEntry WHERE comparisonId = ?", arguments: [id]) ?? 0
            guard sides > 0 else { throw SessionsError.notFound(kind: "comparison", id: id) }
            var winner: Int?
            if case .winner(let position) = vote {
                guard (0..<sides).contains(position) else {
                    throw SessionsError.invalidArgument("comparison \(id) has \(sides) sides; no position \(position)")
                }
                winner = position
            }
            try db.execute(sql: "UPDATE comparison SET voteKind = ?, voteWinner = ?, votedAt = ? WHERE id = ?",
                           arguments: [vote?.kind, winner, vote == nil ? nil : Date().unixSeconds, id])
        }
    }

    /// Head-to-head results for every pair of models that met in a voted comparison.
    ///
    /// - Parameter blindOnly: count only comparisons whose labels were hidden while voting.
    public func winRates(blindOnly: Bool = false) throws(SessionsError) -> [WinRate] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT comparison.id, comparison.voteKind, comparison.voteWinner, comparisonEntry.position, comparisonEntry.modelId
                FROM comparison JOIN comparisonEntry ON comparisonEntry.comparisonId = comparison.id
                WHERE comparison.voteKind IS NOT NULL AND (? = 0 OR comparison.labelsHidden = 1)
                ORDER BY comparison.id, comparisonEntry.position
                """, arguments: [blindOnly])
            struct Tally { var winsLow = 0, winsHigh = 0, ties = 0 }
            var tallies: [[Int64]: Tally] = [:]
            var sides: [(position: Int, modelId: Int64)] = []
            func settle(kind: String, winner: Int?) {
                for i in sides.indices {
                    for j in sides.indices where j > i && sides[i].modelId != sides[j].modelId {
                        let (a, b) = (sides[i], sides[j])
                        let key = [min(a.modelId, b.modelId), max(a.modelId, b.modelId)]
                        var tally = tallies[key] ?? Tally()
                        if kind == "winner" {
                            // Sides that did not win are not ranked against each other.
                            guard let winner, winner == a.position || winner == b.position else { continue }
                            let winnerModel = winner == a.position ? a.modelId : b.modelId
                            if winnerModel == key[0] { tally.winsLow += 1 } else { tally.winsHigh += 1 }
                        } else {
                            tally.ties += 1
                        }
                        tallies[key] = tally
                    }
                }
            }
            var current: (id: Int64, kind: String, winner: Int?)?
            for row in rows {
                let r = RowReader(row: row, table: "comparison")
                let id: Int64 = try r("id")
                if current?.id != id {
                    if let current { settle(kind: current.kind, winner: current.winner) }
                    current = (id, try r("voteKind"), try r.optional("voteWinner"))
                    sides = []
                }
                sides.append((try r("position"), try r("modelId")))
            }
            if let current { settle(kind: current.kind, winner: current.winner) }
            let models = Dictionary(uniqueKeysWithValues: try ModelRecord.fetchAll(db, sql: "SELECT * FROM model").map { ($0.id, $0) })
            return tallies.compactMap { key, tally in
                guard let a = models[key[0]], let b = models[key[1]] else { return nil }
                return WinRate(modelA: a, modelB: b, winsA: tally.winsLow, winsB: tally.winsHigh, ties: tally.ties)
            }.sorted { lhs, rhs in
                if lhs.total != rhs.total { return lhs.total > rhs.total }
                return (lhs.modelA.id, lhs.modelB.id) < (rhs.modelA.id, rhs.modelB.id)
            }
        }
    }

    private func fetchComparisons(_ db: Database, whereSQL: String, arguments: StatementArguments,
                                  limit: Int) throws -> [Comparison] {
        let now = Date(), host = currentHostName()
        let rows = try Row.fetchAll(db, sql: """
            SELECT * FROM comparison WHERE \(whereSQL) ORDER BY createdAt DESC, id DESC LIMIT \(limit)
            """, arguments: arguments)
        return try rows.map { row in
            let r = RowReader(row: row, table: "comparison")
            let id: Int64 = try r("id")
            let entries = try Row.fetchAll(db, sql: """
                SELECT comparisonEntry.*, comparisonEntryStats.* FROM comparisonEntry
                LEFT JOIN comparisonEntryStats ON comparisonEntryStats.entryId = comparisonEntry.id
                WHERE comparisonEntry.comparisonId = ? ORDER BY comparisonEntry.position
                """, arguments: [id]).map {
                    try ComparisonEntry(RowReader(row: $0, table: "comparisonEntry"), staleAfter: options.staleReplyAfter, now: now,
                                        hostName: host)
                }
            var vote: Vote?
            switch try r.optional("voteKind") as String? {
            case "winner"?: vote = .winner(position: try r("voteWinner"))
            case "tie"?: vote = .tie
            case "bothBad"?: vote = .bothBad
            case nil: vote = nil
            case let other?: throw SessionsError.invalidStoredValue(table: "comparison", column: "voteKind", detail: "unknown value \(other)")
            }
            return Comparison(id: id, prompt: try r("prompt"), systemPrompt: try r.optional("systemPrompt"),
                              labelsHidden: try r("labelsHidden"), vote: vote, votedAt: try r.optionalDate("votedAt"),
                              createdAt: try r.date("createdAt"), entries: entries)
        }
    }
}
