import ArgumentParser
import DuetCLI
import DuetCore
import Foundation
import Engine

/// `duet bench stop`: how long a reply takes to stop after Esc while a long prompt is being read
/// (prefill of a decoder-only model, encode of an encoder-decoder): the time from setting the
/// cancellation flag to the generation returning, at several moments into the prompt.
package struct BenchStopCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Measure how fast a generation stops when cancelled during a long prompt's prefill or encode.")

    package init() {}

    @OptionGroup var global: GlobalOptions
    @OptionGroup var weights: QuantizeOption
    @Option(help: "Model directory.") var model: String
    @Option(help: "Prompt length in tokens (random ids).") var promptTokens = 4000
    @Option(help: "Seconds into the request at which to cancel; repeatable.") var after: [Double] = [0.5, 2, 5]

    package func run() throws {
        global.apply()
        let loaded = try openModel(model, quantization: weights.quantize)
        let m = loaded.model
        let prompt = BenchGenerateCommand.randomPrompt(promptTokens, vocabularySize: m.vocabularySize, seed: 3)
        print("model: \(loaded.directory.lastPathComponent) (\(m.architecture.rawValue)), prompt \(promptTokens) tokens, \(EngineThreads.count) threads")
        var latencies: [Double] = []
        for delay in after {
            let flag = CancellationFlag()
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var outcome: (tokens: Int, reason: String)?
            nonisolated(unsafe) var returnedAt = 0.0
            Thread.detachNewThread {
                let r = try? m.generate(prompt: prompt, parameters: SamplingParameters(maxNewTokens: 4, ignoreEOS: true),
                                        stopTokens: [], cancel: flag, onToken: { _ in })
                returnedAt = Date().timeIntervalSinceReferenceDate
                outcome = r.map { ($0.tokens.count, $0.stats.stopReason.rawValue) }
                done.signal()
            }
            Thread.sleep(forTimeInterval: delay)
            let cancelledAt = Date().timeIntervalSinceReferenceDate
            flag.cancel()
            done.wait()
            let latency = max(0, returnedAt - cancelledAt)
            if returnedAt < cancelledAt {
                print(String(format: "cancel at %.1f s: finished before the cancel (%@); use a longer prompt", delay, outcome?.reason ?? "error"))
                continue
            }
            latencies.append(latency)
            print(String(format: "cancel at %.1f s: stopped %.3f s later (%d tokens, %@)", delay, latency, outcome?.tokens ?? 0,
                         outcome?.reason ?? "error"))
        }
        if let worst = latencies.max() { print(String(format: "worst stop latency: %.3f s", worst)) }
    }
}
