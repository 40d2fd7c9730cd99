import DuetCore
import Foundation
import Testing
@testable import Sessions

@Suite struct ComparisonTests {
    @Test func comparisonsStoreBothSidesStatsAndVote() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let gemma = try store.registerModel(path: "/m/gemma", architecture: "gemma2", contentHash: "g")
        let t5 = try store.registerModel(path: "/m/t5", architecture: "t5gemma", contentHash: "t")
        let comparison = try store.createComparison(
            prompt: "Name a prime", systemPrompt: "Answer in one word.", labelsHidden: true,
            contenders: [Contender(modelId: gemma.id, sampling: SamplingParameters(temperature: 0)),
                         Contender(modelId: t5.id, sampling: SamplingParameters(temperature: 1, topK: 64))])
        #expect(comparison.entries.map(\.status) == [.pending, .pending])
        #expect(comparison.entries.map(\.position) == [0, 1])
        #expect(comparison.entries[1].sampling?.topK == 64)
        for (entry, text) in zip(comparison.entries, ["Seven", "Eleven"]) {
            let writer = try store.beginOutput(forEntry: entry.id, flushInterval: 0.05)
            writer.append(text)
            try writer.flush()
            #expect(try store.comparison(id: comparison.id)?.entries[entry.position].status == .streaming)
            try writer.finish(stats: MessageStats(promptTokens: 5, generatedTokens: 2, modelHash: entry.modelId == gemma.id ? "g" : "t"))
        }
        try store.setVote(.winner(position: 1), forComparison: comparison.id)
        let saved = try #require(try store.comparison(id: comparison.id))
        #expect(saved.entries.map(\.output) == ["Seven", "Eleven"])
        #expect(saved.entries.map(\.status) == [.complete, .complete])
        #expect(saved.entries.map { $0.stats?.modelHash } == ["g", "t"])
        #expect(saved.vote == .winner(position: 1))
        #expect(saved.votedAt != nil)
        #expect(saved.labelsHidden)
        #expect(saved.systemPrompt == "Answer in one word.")
        try store.setVote(nil, forComparison: comparison.id)
        #expect(try store.comparison(id: comparison.id)?.vote == nil)

        #expect(throws: SessionsError.invalidArgument("comparison \(comparison.id) has 2 sides; no position 2")) {
            try store.setVote(.winner(position: 2), forComparison: comparison.id)
        }
        #expect(throws: SessionsError.notFound(kind: "comparison", id: 77)) { try store.setVote(.tie, forComparison: 77) }
        #expect(throws: SessionsError.invalidArgument("a comparison needs at least two contenders")) {
            try store.createComparison(prompt: "x", labelsHidden: false, contenders: [Contender(modelId: gemma.id)])
        }
        #expect(throws: SessionsError.notFound(kind: "model", id: 99)) {
            try store.createComparison(prompt: "x", labelsHidden: false, contenders: [Contender(modelId: gemma.id), Contender(modelId: 99)])
        }
    }

    @Test func winRatesCountEveryPairOfEveryVotedComparison() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let a = try store.registerModel(path: "/a", architecture: "gemma2", contentHash: "a")
        let b = try store.registerModel(path: "/b", architecture: "gemma2", contentHash: "b")
        let c = try store.registerModel(path: "/c", architecture: "t5gemma", contentHash: "c")
        func compare(_ models: [ModelRecord], hidden: Bool = true, vote: Vote?) throws {
            let comparison = try store.createComparison(prompt: "p", labelsHidden: hidden,
                                                        contenders: models.map { Contender(modelId: $0.id) })
            try store.setVote(vote, forComparison: comparison.id)
        }
        try compare([a, b], vote: .winner(position: 0))         // a beats b
        try compare([b, a], vote: .winner(position: 0))         // b beats a
        try compare([b, a], vote: .winner(position: 1))         // a beats b
        try compare([a, b], vote: .tie)
        try compare([a, b], vote: .bothBad)
        try compare([a, b], vote: nil)                          // not voted: ignored
        try compare([a, b, c], hidden: false, vote: .winner(position: 2))  // c beats a and c beats b; a-b unranked
        let rates = try store.winRates()
        let ab = try #require(rates.first { $0.modelA == a && $0.modelB == b })
        #expect((ab.winsA, ab.winsB, ab.ties) == (2, 1, 2))
        #expect(ab.winRateA == 0.6)
        let ac = try #require(rates.first { $0.modelA == a && $0.modelB == c })
        #expect((ac.winsA, ac.winsB, ac.ties) == (0, 1, 0))
        let bc = try #require(rates.first { $0.modelA == b && $0.modelB == c })
        #expect((bc.winsA, bc.winsB, bc.ties) == (0, 1, 0))
        #expect(rates.count == 3)
        #expect(rates.first?.modelA == a && rates.first?.modelB == b)  // most games first
        #expect(try store.winRates(blindOnly: true).count == 1)
    }
}
