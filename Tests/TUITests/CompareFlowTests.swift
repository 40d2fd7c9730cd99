import DuetCore
import Engine
import Foundation
import Sessions
import Testing
@testable import TUI
@testable import Tokenizers

/// Comparisons end to end without a terminal: the runner on real tiny models, the screen's blind vote
/// and batch, all stored.
@Suite(.serialized) struct CompareFlowTests {
    final class Events: @unchecked Sendable {
        let lock = NSLock()
        var list: [CompareEvent] = []
        func add(_ e: CompareEvent) { lock.withLock { list.append(e) } }
    }

    func contestants(_ store: DuetStore) throws -> [Contestant] {
        try [TinyModelPair.decoderOnly, TinyModelPair.encoderDecoder].map { url in
            let model = try ModelLoader.load(directory: url)
            let record = try store.registerModel(path: url.path, architecture: model.config.modelType,
                                                 contentHash: try ContentHash.weights(of: CheckpointReader(directory: url)))
            return Contestant(model: model, record: record)
        }
    }

    /// Side 1's first text event comes before side 0's last one: the streams overlapped.
    func overlapped(_ events: [CompareEvent]) -> Bool {
        let sides = events.compactMap { if case let .text(side, _, _) = $0 { return side } else { return nil } }
        guard let firstB = sides.firstIndex(of: 1), let lastA = sides.lastIndex(of: 0) else { return false }
        return firstB < lastA
    }

    @Test func sequentialAndInterleavedRunsGiveTheSameAnswersAndAreStored() throws {
        let dir = TemporaryDirectory()
        let store = try DuetStore.open(path: dir.file("duet.sqlite"))
        let models = try contestants(store)
        let sampling = SamplingParameters(maxNewTokens: 40, ignoreEOS: true)
        var outputs: [[String]] = []
        for mode in [CompareMode.sequential, .interleaved] {
            let events = Events()
            CompareRunner.run(store: store, contestants: models, conversation: [ChatMessage(role: .user, content: "Compare us")],
                              systemPrompt: nil, sampling: sampling, mode: mode, labelsHidden: false,
                              cancel: CancellationFlag(), report: { events.add($0) })
            guard case .done = events.list.last else { Issue.record("no done event"); return }
            #expect(overlapped(events.list) == (mode == .interleaved))
            let finished = events.list.compactMap { if case let .finished(side, outcome) = $0 { return (side, outcome) } else { return nil } }
            #expect(finished.count == 2 && finished.allSatisfy { $0.1.status == .complete })
            let byText = (0..<2).map { side in events.list.compactMap { e -> String? in
                if case let .text(s, delta, _) = e, s == side { return delta } else { return nil } }.joined() }
            #expect(finished.sorted { $0.0 < $1.0 }.map(\.1.output) == byText)
            let encdec = try #require(finished.first { $0.0 == 1 }?.1.stats)
            #expect(encdec.encodeMs != nil && encdec.encoderTokens != nil && encdec.generatedTokens == 40)
            #expect(finished.allSatisfy { ($0.1.flopsPerToken ?? 0) > 0 })
            outputs.append(byText)
        }
        // Greedy decoding: interleaving must not change a single token.
        #expect(outputs[0] == outputs[1])
        let stored = try store.comparisons()
        #expect(stored.count == 2)
        for comparison in stored {
            #expect(comparison.prompt == "Compare us")
            #expect(comparison.entries.map(\.output) == outputs[0])
            #expect(comparison.entries.allSatisfy { $0.status == .complete && $0.stats?.seed == sampling.seed })
        }
    }

    @Test func blindVoteRevealsAndCountsInTheWinRates() throws {
        let h = try ShellHarness(maxTokens: 12)
        h.shell.switchTo(.compare)
        let screen = h.compare
        h.shell.run("compare.blind")
        h.send("Which is better?")
        #expect(h.pump { screen.run?.isDone == true })
        let run = try #require(screen.run)
        #expect(screen.isVoting && run.labelsHidden)
        var text = h.screenText()
        #expect(text.contains("Left model hidden until you vote") && text.contains("Right model hidden until you vote"))
        #expect(text.contains("stats hidden until you vote") && !text.contains("encode "))
        #expect(text.contains("Which answer is better?"))
        h.shell.handle(.key(KeyChord(.character("a"))))
        #expect(!screen.isVoting)  // on screen at once; stored on the database queue
        h.settleWrites()
        let comparison = try #require(try h.store.comparison(id: run.comparisonId!))
        #expect(comparison.labelsHidden && comparison.vote == .winner(position: run.order[0]))
        #expect(comparison.entries.allSatisfy { !$0.output.isEmpty })
        text = h.screenText()
        #expect(text.contains("You preferred") && text.contains("revealed: left was"))
        #expect(text.contains("encode ") && text.contains("prefill ") && text.contains("FLOP/tok"))
        h.shell.run("compare.win-rates")
        text = h.screenText()
        #expect(text.contains("Win rates"))
        let rates = try h.store.winRates()
        #expect(rates.count == 1 && rates[0].total == 1)
        #expect(text.contains("tiny-random-gemma2") && text.contains("tiny-random-t5gemma"))
        #expect(text.contains(run.order[0] == 0 ? "1       0     0      1      1   100.0%" : "0       1     0      1      1     0.0%"))
        // Bradley-Terry: one win plus the virtual tie is 1.5 of 2 points, strengths 3 : 1, a gap of
        // 400 log10(3) = 190.8 around 1000.
        #expect(text.contains("Ratings (Bradley-Terry"))
        #expect(screen.ratings.map { Int($0.rating.rating.rounded()) } == [1095, 905])
        #expect(screen.ratings.allSatisfy { $0.votes == 1 })
        #expect(text.contains("1095") && text.contains(" 905 "))
    }

    /// The frontier view: accuracy from stored eval runs against the decode speed of stored
    /// generations, a lettered point per model and a legend saying which are on the frontier.
    @Test func frontierPlotsAccuracyAgainstDecodeCost() throws {
        let h = try ShellHarness(maxTokens: 8)
        h.shell.switchTo(.compare)
        let screen = h.compare
        h.shell.run("compare.frontier")
        #expect(h.screenText().contains("Nothing measured yet"))
        h.shell.run("compare.frontier")
        h.send("Measure us")
        #expect(h.pump { screen.run?.isDone == true })
        h.settleWrites()
        let models = try h.store.models()
        try #require(models.count == 2)
        for (model, accuracy) in zip(models, [0.25, 0.75]) {
            let run = try h.store.createRun(kind: .eval, name: "eval", config: ["model": .string(model.path), "eval": .string("/x/heldout-eval.jsonl")])
            _ = try h.store.startRun(id: run.id)
            _ = try h.store.insertMetrics([Metric(runId: run.id, step: 0, name: "accuracy", value: accuracy)])
            _ = try h.store.finishRun(id: run.id)
        }
        h.shell.run("compare.frontier")
        let text = h.screenText()
        #expect(text.contains("Quality and cost") && text.contains("heldout-eval.jsonl"), "\(text)")
        #expect(text.contains("25.0%") && text.contains("75.0%"), "\(text)")
        #expect(text.contains("ms/token") && text.contains("FRONTIER"), "\(text)")
        let table = screen.qualityCost
        #expect(table.models.allSatisfy { $0.generations == 1 && $0.decodeTokensPerSecond != nil })
        // The more accurate model is on the frontier whatever the speeds.
        let best = try #require(table.models.first { $0.accuracy == 0.75 })
        #expect(table.frontier.contains(best))
    }

    @Test func batchRunsEveryPromptAndSummarises() throws {
        let h = try ShellHarness(maxTokens: 8)
        h.shell.switchTo(.compare)
        let screen = h.compare
        #expect(h.pump { h.workspace.models.compareModel(0)?.loaded != nil && h.workspace.models.compareModel(1)?.loaded != nil })
        let file = h.directory.file("prompts.jsonl")
        try "{\"prompt\": \"one\"}\n{\"prompt\": \"two\"}\n\"three\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(screen.startBatch(path: file) == nil)
        #expect(h.pump { screen.batch?.completed == 3 && screen.run?.isDone == true })
        let summary = try #require(screen.batch)
        #expect(summary.sides.map(\.runs) == [3, 3] && summary.sides.allSatisfy { $0.failed == 0 && $0.tokens.count == 3 })
        #expect(try h.store.comparisons().map(\.prompt).sorted() == ["one", "three", "two"])
        let text = h.screenText()
        #expect(text.contains("3 of 3 prompts compared"))
        #expect(text.contains("MEAN TTFT"))
        #expect(screen.startBatch(path: h.directory.file("missing.txt"))?.hasPrefix("cannot read") == true)
    }

    @Test func winRateTableCallsAWhatTheColumnHeaderCallsA() throws {
        let h = try ShellHarness(maxTokens: 6)
        h.shell.switchTo(.compare)
        let screen = h.compare, hub = h.workspace.models
        h.send("Which is better?")
        #expect(h.pump { screen.run?.isDone == true && screen.isVoting })
        h.shell.handle(.key(KeyChord(.character("a"))))  // names shown: the left column, A, wins
        h.settleWrites()
        for swapped in [false, true] {
            if swapped { h.shell.run("compare.swap") }
            let a = try #require(hub.compareModel(0)?.name), b = try #require(hub.compareModel(1)?.name)
            h.shell.run("compare.win-rates")
            let text = h.screenText()
            let row = try #require(text.split(separator: "\n").first { $0.contains(a) && $0.contains(b) }, "\(text)")
            #expect(row.range(of: a)!.lowerBound < row.range(of: b)!.lowerBound, "MODEL A must be compare A: \(row)")
            // The vote went to the model that was A; after the swap it is B.
            #expect(row.hasSuffix(swapped ? "0       1     0      1      0     0.0%" : "1       0     0      1      0   100.0%"), "\(row)")
            h.shell.run("compare.win-rates")  // back to the columns
            #expect(h.screenText().contains(" A \(try #require(hub.compareModel(0)?.displayName))"))
        }
    }

    @Test func aModelCannotBePairedWithItself() throws {
        let h = try ShellHarness(maxTokens: 6)
        let hub = h.workspace.models
        h.shell.switchTo(.models)
        let before = hub.comparePaths
        let b = try #require(hub.compareModel(1))
        while h.shell.screen(.models) is ModelsScreen, (h.shell.screen(.models) as! ModelsScreen).selected?.path != b.path {
            h.shell.run("list.down")
        }
        h.shell.run("models.compare-a")
        #expect(hub.comparePaths == before)
        #expect(h.screenText().contains("\(b.displayName) is already compare B: pick a different model for A"))
        h.shell.run("models.compare-b")  // the same side again is fine
        #expect(hub.comparePaths == before)
    }

    @Test func statsUnderNarrowColumnsWrapInsteadOfBeingCut() throws {
        let h = try ShellHarness(maxTokens: 6)
        h.shell.switchTo(.compare)
        h.send("Which is better?")
        #expect(h.pump { h.compare.run?.isDone == true })
        // 120 columns, short: each column is 59 wide and gets the compact stats (prompt speed, TTFT and
        // decode speed on one line), longer than the column.
        let text = h.screenText(width: 120, height: 16)
        let decode = try Regex("decode [0-9.]+ tok/s")
        #expect(text.matches(of: decode).count == 2, "\(text)")
        #expect(text.matches(of: try Regex("(max tokens|end of turn)")).count == 2, "\(text)")
        for line in h.compare.statsLines(try #require(h.compare.run), side: 0, width: 30, compact: true) {
            #expect(line.width <= 30, "\(line.plainText)")
        }
    }
}
