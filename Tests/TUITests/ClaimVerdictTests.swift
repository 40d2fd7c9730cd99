import Engine
import Testing
@testable import DuetCLI

/// The report's verdicts follow from the intervals alone.
@Suite struct ClaimVerdictTests {
    @Test func verdictFollowsTheIntervalOfTheDifference() {
        #expect(ClaimVerdict(difference: .init(low: 0.01, high: 0.2)) == .holds)
        #expect(ClaimVerdict(difference: .init(low: -0.3, high: -0.02)) == .doesNotHold)
        #expect(ClaimVerdict(difference: .init(low: -0.1, high: 0.1)) == .inconclusive)
        #expect(ClaimVerdict(difference: .init(low: 0, high: 0)) == .inconclusive)
        #expect(ClaimVerdict(difference: .init(low: 0, high: 0.1)) == .inconclusive)
    }

    @Test func betterButSlowerDoesNotHoldAtAboutTheSameLatency() {
        let better = Bootstrap.Interval(low: 0.02, high: 0.1)
        #expect(ClaimVerdict(difference: better, latencyRatio: 1.1) == .holds)
        #expect(ClaimVerdict(difference: better, latencyRatio: 1.6) == .doesNotHold)
        #expect(ClaimVerdict(difference: .init(low: -0.1, high: 0.1), latencyRatio: 1.6) == .inconclusive)
        #expect(ClaimVerdict(difference: .init(low: -0.2, high: -0.1), latencyRatio: 1.0) == .doesNotHold)
    }

    /// 0.8 and 0.6 on 100 items each: se = sqrt((0.16 + 0.24) / 100) = 0.0632, half-width 1.96 × se = 0.124.
    @Test func proportionIntervalMatchesTheHandComputedOne() {
        let i = proportionDifferenceInterval(0.8, 0.6, n: 100)
        #expect(abs(i.low - (0.2 - 0.12396)) < 1e-4 && abs(i.high - (0.2 + 0.12396)) < 1e-4)
        let same = proportionDifferenceInterval(1, 1, n: 50)
        #expect(same.low == 0 && same.high == 0)
    }

    /// Probe claims compare the same held-out statements: with per-statement results the interval is the
    /// paired bootstrap of the pooled statements; without (older outputs), the normal approximation.
    @Test func probeDifferencePairsTheStatementsWhenTheyAreRecorded() {
        func arm(_ kind: ReplicationArm, _ items: [[Bool]], record: Bool) -> ArmResults {
            let probes = items.enumerated().map { i, correct in
                ProbeResult(task: "task\(i)", test: correct.count, majorityBaseline: 0.5,
                            accuracy: ["features": Double(correct.filter { $0 }.count) / Double(correct.count)],
                            correct: record ? ["features": correct] : [:])
            }
            return ArmResults(arm: kind, heldOut: [], robustness: [], probes: probes,
                              bench: BenchFigures(decodeTokensPerSecond: 1, encodeMilliseconds: nil, prefillMilliseconds: 1),
                              parameters: 1, flopsPerToken: 1, trainingTokens: 1, trainingFLOPs: 1, ownWallSeconds: 1)
        }
        let a = [[true, true, false, true], [true, false, true, true, true, false]]
        let b = [[true, false, false, true], [false, false, true, true, false, false]]
        let paired = ReplicationClaims.probeDifference(arm(.balanced, a, record: true), arm(.decoderOnly, b, record: true))
        #expect(paired.method == "paired bootstrap over statements")
        #expect(abs(paired.difference - 3.0 / 10) < 1e-12)
        #expect(paired.interval == Bootstrap.pairedDifference(a.flatMap { $0 }, b.flatMap { $0 }))
        let unpaired = ReplicationClaims.probeDifference(arm(.balanced, a, record: false), arm(.decoderOnly, b, record: false))
        #expect(unpaired.method == "normal approximation" && abs(unpaired.difference - paired.difference) < 1e-12)
    }

    @Test func benchFiguresParseBenchGenerateOutput() throws {
        let text = """
            model:            m (encoder-decoder, 54,656 parameters)
            encode:           8 tokens in 0.2 ms (35480.3 tok/s)
            prefill:          1 tokens in 0.1 ms (16077.2 tok/s)
            decode:           17559.88 tok/s (4 tokens, median of 1 runs)
            """
        let b = try BenchFigures.parse(text, file: "bench.txt")
        #expect(b.decodeTokensPerSecond == 17559.88 && b.encodeMilliseconds == 0.2 && b.prefillMilliseconds == 0.1)
        #expect(abs(b.decodeMillisecondsPerToken - 1000 / 17559.88) < 1e-12)
        #expect(try BenchFigures.parse("prefill:  4 tokens in 2.5 ms (1 tok/s)\ndecode:  10.00 tok/s (4 tokens)", file: "x").encodeMilliseconds == nil)
        #expect(throws: CommandFailure.self) { try BenchFigures.parse("nothing", file: "x") }
    }
}
