import DuetCore
import Engine
import Foundation
import Sessions
import Testing
@testable import DuetCLI
@testable import TUI

/// Small pieces behind the chat and compare screens: settings parsing, stats text, clipboard, code blocks, turns.
@Suite struct ScreenSupportTests {
    @Test func samplingFormParsesAndNamesBadFields() throws {
        let empty = Array(repeating: "", count: 7)
        #expect(try SamplingForm.parse(empty) == nil)
        let p = try #require(try SamplingForm.parse(["0.7", "40", "0.9", "", "1.1", "300", "42"]))
        #expect(p.temperature == 0.7 && p.topK == 40 && p.topP == 0.9 && p.minP == nil && p.repetitionPenalty == 1.1)
        #expect(p.maxNewTokens == 300 && p.seed == 42)
        #expect(throws: ChatActionError.self) { try SamplingForm.parse(["hot", "", "", "", "", "", ""]) }
        do { _ = try SamplingForm.parse(["", "", "1.5", "", "", "", ""]) } catch { #expect("\(error)".hasPrefix("Top-p must be a number from 0 to 1")) }
        do { _ = try SamplingForm.parse(["", "", "", "", "", "0", ""]) } catch { #expect("\(error)" == "Max new tokens must be a whole number ≥ 1") }
    }

    @Test func settingsResolveOverGreedyDefaults() {
        var p = GenerationSettings.resolve(nil, model: nil, defaultMaxTokens: 77)
        #expect(p.temperature == 0 && p.maxNewTokens == 77 && p.topK == 0)
        p = GenerationSettings.resolve(SamplingParameters(temperature: 0.5, maxNewTokens: 9, seed: 3), model: nil, defaultMaxTokens: 77)
        #expect(p.temperature == 0.5 && p.maxNewTokens == 9 && p.seed == 3)
        let recorded = GenerationSettings.record(p)
        #expect(recorded.temperature == 0.5 && recorded.maxNewTokens == 9 && recorded.seed == 3 && recorded.topP == 1)
    }

    @Test func statsFooterSpeaksTheUsualVocabulary() {
        let dec = MessageStats(promptTokens: 20, prefillMs: 25, timeToFirstTokenMs: 201.8, decodeTokensPerSecond: 181.76,
                               generatedTokens: 3000, stopReason: .maxTokens)
        #expect(StatsText.footer(dec) == "TTFT 202 ms · prefill 20 tok (800 tok/s) · decode 181.8 tok/s · 3000 tok · max tokens")
        let encdec = MessageStats(promptTokens: 1, encoderTokens: 20, encodeMs: 26.3, prefillMs: 0.2, timeToFirstTokenMs: 26.6,
                                  decodeTokensPerSecond: 3343.6, generatedTokens: 12, stopReason: .userStopped)
        #expect(StatsText.footer(encdec) == "TTFT 27 ms · encode 20 tok 26 ms (760 tok/s) · decode 3343.6 tok/s · 12 tok · stopped by you")
        #expect(StatsText.flops(2.5e6) == "2.50 MFLOP")
    }

    @Test func clipboardSequenceAndCodeBlocks() throws {
        #expect(Clipboard.osc52("hé") == "\u{1B}]52;c;aMOp\u{07}")
        let text = "Intro\n```swift\nlet x = 1\n  print(x)\n```\nmid\n~~~~\nraw ```\n~~~~\n```\nunclosed"
        #expect(CodeBlocks.extract(text) == [
            CodeBlocks.Block(info: "swift", code: "let x = 1\n  print(x)"),
            CodeBlocks.Block(info: "", code: "raw ```"),
            CodeBlocks.Block(info: "", code: "unclosed"),
        ])
        #expect(CodeBlocks.extract("inline ```code``` only").isEmpty)
        let home = TemporaryDirectory()
        try Clipboard.writeFile("copied ✓", home: home.path + "/sub")
        #expect(try String(contentsOfFile: Clipboard.filePath(home: home.path + "/sub"), encoding: .utf8) == "copied ✓")
    }

    @Test func turnBatonAlternatesThenLetsTheLastOneRun() {
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var entries: [String] = []
            func add(_ s: String) { lock.withLock { entries.append(s) } }
        }
        let baton = TurnBaton(participants: 2)
        let log = Log()
        let done = DispatchSemaphore(value: 0)
        let worker = Thread {
            baton.wait(1)
            for i in 0..<5 { log.add("B\(i)"); baton.yield(1) }
            baton.finish(1)
            done.signal()
        }
        worker.start()
        baton.wait(0)
        for i in 0..<2 { log.add("A\(i)"); baton.yield(0) }
        baton.finish(0)
        done.wait()
        #expect(log.entries == ["A0", "B0", "A1", "B1", "B2", "B3", "B4"])
    }
}
