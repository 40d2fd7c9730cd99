import Foundation
import Testing
@testable import Sessions

/// The quality-efficiency frontier's data from real rows: eval runs and their accuracy metric, and the
/// decode speeds of stored comparison entries and chat replies.
@Suite struct QualityCostTests {
    func evaluate(_ store: DuetStore, model: String, set: String, accuracy: Double, finish: Bool = true) throws {
        let run = try store.createRun(kind: .eval, name: "eval", config: ["model": .string(model), "eval": .string(set)])
        _ = try store.startRun(id: run.id)
        _ = try store.insertMetrics([Metric(runId: run.id, step: 0, name: "accuracy", value: accuracy)])
        if finish { _ = try store.finishRun(id: run.id) }
    }

    @Test func accuraciesOnTheCommonSetAndMedianDecodeSpeeds() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let dec = try store.registerModel(path: "/m/dec", architecture: "gemma2", contentHash: "d")
        let encdec = try store.registerModel(path: "/m/encdec", architecture: "t5gemma", contentHash: "e")
        try evaluate(store, model: "/m/dec", set: "/sets/heldout.jsonl", accuracy: 0.40)
        try evaluate(store, model: "/m/dec", set: "/sets/heldout.jsonl", accuracy: 0.54)  // the latest counts
        try evaluate(store, model: "/m/encdec", set: "/sets/heldout.jsonl", accuracy: 0.46)
        try evaluate(store, model: "/m/encdec", set: "/sets/other.jsonl", accuracy: 0.99)  // another set: not compared
        try evaluate(store, model: "/m/dec", set: "/sets/heldout.jsonl", accuracy: 0.10, finish: false)  // still running
        // Speeds: comparison entries (100, 300 for dec; 200 for encdec) and a chat reply (500 for dec).
        for speeds in [(100.0, 200.0), (300.0, 200.0)] {
            let c = try store.createComparison(prompt: "p", labelsHidden: false,
                                               contenders: [Contender(modelId: dec.id), Contender(modelId: encdec.id)])
            for (entry, speed) in zip(c.entries, [speeds.0, speeds.1]) {
                let writer = try store.beginOutput(forEntry: entry.id)
                writer.append("x")
                try writer.finish(stats: MessageStats(promptTokens: 3, decodeTokensPerSecond: speed, generatedTokens: 4))
            }
        }
        let session = try store.createSession(title: "chat", modelId: dec.id)
        let reply = try store.beginReply(in: session.id, parent: nil)
        reply.append("y")
        try reply.finish(stats: MessageStats(promptTokens: 3, decodeTokensPerSecond: 500, generatedTokens: 4))

        let table = try store.qualityAndCost()
        #expect(table.evalSet == "/sets/heldout.jsonl")
        let byPath = Dictionary(uniqueKeysWithValues: table.models.map { ($0.path, $0) })
        #expect(byPath["/m/dec"] == ModelQualityCost(path: "/m/dec", accuracy: 0.54, decodeTokensPerSecond: 300, generations: 3))
        #expect(byPath["/m/encdec"] == ModelQualityCost(path: "/m/encdec", accuracy: 0.46, decodeTokensPerSecond: 200, generations: 2))
        // dec is more accurate and faster: alone on the frontier.
        #expect(table.frontier.map(\.path) == ["/m/dec"])
        #expect(byPath["/m/encdec"]?.millisecondsPerToken == 5)
    }

    /// A model only evaluated (never chatted with or compared) takes its latest evaluation's decode
    /// speed; stored generations, when there are any, take precedence.
    @Test func anEvaluationsOwnDecodeSpeedStandsInForGenerations() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let chatted = try store.registerModel(path: "/m/chatted", architecture: "gemma2", contentHash: "c")
        for (model, speeds) in [("/m/evaluated", [120.0, 150.0]), ("/m/chatted", [900.0])] {
            for speed in speeds {
                let run = try store.createRun(kind: .eval, name: "eval",
                                              config: ["model": .string(model), "eval": .string("/sets/s.jsonl")])
                _ = try store.startRun(id: run.id)
                _ = try store.insertMetrics([Metric(runId: run.id, step: 0, name: "accuracy", value: 0.5),
                                             Metric(runId: run.id, step: 0, name: "decode_tokens_per_second", value: speed)])
                _ = try store.finishRun(id: run.id)
            }
        }
        let session = try store.createSession(title: "chat", modelId: chatted.id)
        let reply = try store.beginReply(in: session.id, parent: nil)
        reply.append("y")
        try reply.finish(stats: MessageStats(promptTokens: 3, decodeTokensPerSecond: 400, generatedTokens: 4))

        let byPath = Dictionary(uniqueKeysWithValues: try store.qualityAndCost().models.map { ($0.path, $0) })
        #expect(byPath["/m/evaluated"] == ModelQualityCost(path: "/m/evaluated", accuracy: 0.5, decodeTokensPerSecond: 150,
                                                           generations: 0, speedFromEvaluation: true))
        #expect(byPath["/m/chatted"] == ModelQualityCost(path: "/m/chatted", accuracy: 0.5, decodeTokensPerSecond: 400,
                                                         generations: 1))
    }

    @Test func theFrontierKeepsEveryTradeOff() {
        let table = QualityCostTable(evalSet: "s", models: [
            ModelQualityCost(path: "fast", accuracy: 0.3, decodeTokensPerSecond: 900, generations: 1),
            ModelQualityCost(path: "good", accuracy: 0.8, decodeTokensPerSecond: 100, generations: 1),
            ModelQualityCost(path: "dominated", accuracy: 0.2, decodeTokensPerSecond: 100, generations: 1),
            ModelQualityCost(path: "unmeasured", accuracy: 0.9, decodeTokensPerSecond: nil, generations: 0),
        ])
        #expect(table.frontier.map(\.path) == ["fast", "good"])
    }
}
