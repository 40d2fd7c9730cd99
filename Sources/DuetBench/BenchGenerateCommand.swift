import ArgumentParser
import DuetCLI
import DuetCore
import Foundation
import Engine
import Tokenizers

/// `duet bench generate`: load time, memory, prefill and decode speed of a model, and decode speed as a
/// fraction of the memory-bandwidth bound measured in the same run.
package struct BenchGenerateCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Measure load, prefill and decode speed of a model against the memory-bandwidth bound.")

    package init() {}

    @OptionGroup var global: GlobalOptions
    @OptionGroup var weights: QuantizeOption
    @Option(help: "Model directory.") var model: String
    @Option(help: "Prompt length in tokens (random ids).") var promptTokens = 128
    @Option(help: "Generated tokens per run.") var tokens = 32
    @Option(help: "Runs (the median is reported).") var runs = 3
    @Flag(help: "Pack bf16 matrices into panels at load (docs/bf16-panels.md; also DUET_PACK_BF16=1) instead of reading them row-major.")
    var pack = false
    @Flag(help: "Time one more prompt pass (with its first token), and one more request's generated tokens, by kind of work: GEMMs, attention, norms, elementwise.")
    var profile = false

    package func run() throws {
        global.apply()
        let start = Date()
        let loaded = try openModel(model, quantization: weights.quantize,
                                   packBF16: pack || packBF16ByEnvironment)
        let loadSeconds = Date().timeIntervalSince(start)
        let m = loaded.model
        let prompt = Self.randomPrompt(promptTokens, vocabularySize: m.vocabularySize, seed: 1)
        // The first request faults the memory-mapped weights in from the page cache (or disk):
        // reported as the cold time to first token, then excluded from the medians.
        let cold = try m.generate(prompt: prompt, parameters: SamplingParameters(maxNewTokens: 2, ignoreEOS: true),
                                  stopTokens: [], cancel: nil, onToken: { _ in }).stats
        // Baselines are the best of a probe before and one after the timed runs: a probe that happens to
        // share the cores with something else reads low, and every ratio divided by it would read high.
        let bandwidthBefore = MemoryBandwidth.measure()
        let peakBefore = TrainingThroughput.measurePeak(seconds: 1).gflops
        var results: [GenerationStats] = []
        for _ in 0..<max(1, runs) {
            let r = try m.generate(prompt: prompt, parameters: SamplingParameters(maxNewTokens: tokens, ignoreEOS: true),
                                   stopTokens: [], cancel: nil, onToken: { _ in })
            results.append(r.stats)
        }
        // The breakdowns come from separate requests: timing every call costs a little. The prompt pass (with
        // its first token), then a request whose calls are collected from its first token on: the decode steps.
        var breakdowns: [StepBreakdown] = []
        if profile {
            StepProfile.start()
            var start = Date()
            _ = try m.generate(prompt: prompt, parameters: SamplingParameters(maxNewTokens: 1, ignoreEOS: true),
                               stopTokens: [], cancel: nil, onToken: { _ in })
            breakdowns.append(StepBreakdown(totals: StepProfile.stop(), steps: 1, seconds: Date().timeIntervalSince(start),
                                            unit: "prompt pass"))
            var first = true
            _ = try m.generate(prompt: prompt, parameters: SamplingParameters(maxNewTokens: 1 + tokens, ignoreEOS: true),
                               stopTokens: [], cancel: nil, onToken: { _ in
                                   guard first else { return }
                                   first = false
                                   StepProfile.start()  // on the thread that runs the layers, as the calls are timed
                                   start = Date()
                               })
            breakdowns.append(StepBreakdown(totals: StepProfile.stop(), steps: tokens, seconds: Date().timeIntervalSince(start),
                                            unit: "generated token"))
        }
        let bandwidth = max(bandwidthBefore, MemoryBandwidth.measure())
        let peak = max(peakBefore, TrainingThroughput.measurePeak(seconds: 1).gflops)
        let promptFlops = TrainingThroughput.promptForward(loaded.config, tokens: promptTokens)
        let bytesPerToken = Double(DecodeTraffic.bytesPerToken(loaded))
        let bound = bandwidth * 1e9 / bytesPerToken
        func median(_ f: (GenerationStats) -> Double) -> Double { results.map(f).sorted()[results.count / 2] }
        let decode = median(\.decodeTokensPerSecond)
        var held = weights.quantize.map { " held as \($0.rawValue)" } ?? ""
        if weights.quantize == nil && m.parameters.names.contains(where: { m.parameters[$0].layout == .bf16Panels }) {
            held = " bf16 packed in panels"
        }
        print("model:            \(loaded.directory.lastPathComponent) (\(m.architecture.rawValue), \(m.parameterCount.formatted()) parameters\(held))")
        print(String(format: "load:             %.2f s, resident %.2f GB", loadSeconds, ProcessMemory.residentGigabytes))
        print("threads:          \(EngineThreads.count)")
        if median(\.encodeMilliseconds) > 0 {
            print(String(format: "encode:           %d tokens in %.1f ms (%.1f tok/s)", promptTokens,
                         median(\.encodeMilliseconds), median(\.encodeTokensPerSecond)))
        }
        print(String(format: "prefill:          %d tokens in %.1f ms (%.1f tok/s)", results[0].promptTokens,
                     median(\.prefillMilliseconds), median(\.prefillTokensPerSecond)))
        // The prompt's matrix work against the best sgemm of this machine, measured just now.
        let promptMilliseconds = median(\.encodeMilliseconds) > 0 ? median(\.encodeMilliseconds) : median(\.prefillMilliseconds)
        let promptRate = promptFlops / (promptMilliseconds / 1000) / 1e9
        print(String(format: "prompt FLOP/s:    %.1f GFLOP/s = %.2f of the sgemm peak (%.1f GFLOP/s, best of 2 probes, same run)",
                     promptRate, promptRate / peak, peak))
        print(String(format: "time to first:    %.1f ms (cold, first request: %.1f ms)",
                     median(\.timeToFirstTokenMilliseconds), cold.timeToFirstTokenMilliseconds))
        print(String(format: "decode:           %.2f tok/s (%d tokens, median of %d runs)", decode, tokens, results.count))
        // The figure Compare shows: the prompt's encode or prefill spread over the generated tokens, plus decoding.
        let flops = m.flopsPerGeneratedToken(promptTokens: promptTokens, generatedTokens: tokens)
        print("FLOPs per token:  \(StatsText.flops(flops)) (\(promptTokens)-token prompt, \(tokens) generated)")
        print(String(format: "weights per token: %.2f GB; bandwidth %.2f GB/s (best of 2 probes) -> bound %.2f tok/s", bytesPerToken / 1e9, bandwidth, bound))
        print(String(format: "decode / bound:   %.2f", decode / bound))
        for breakdown in breakdowns { print(breakdown.table) }
    }
}

extension BenchGenerateCommand {
    /// `count` random token ids (seeded), avoiding the special ids below 3 and, for big vocabularies,
    /// the rarely used tail: prompts for benchmarks, whose content does not matter.
    static func randomPrompt(_ count: Int, vocabularySize: Int, seed: UInt64) -> [TokenID] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in TokenID(3 + Int(rng.next() % UInt64(min(vocabularySize, 30_000) - 3))) }
    }
}

/// Bytes a decode step must stream: every matrix a generated token multiplies with, as held in
/// memory (file dtype, or int8 values plus their scales), the embedding row lookup aside, and for
/// encoder-decoder models the decoder only, with cross K/V cached.
enum DecodeTraffic {
    static func bytesPerToken(_ loaded: LoadedModel) -> Int {
        let parameters = loaded.model.parameters
        // T5Gemma 2's one table (the decoder's embedding and LM head) is stored under the encoder.
        var sharedTable: String?
        if case let .t5gemma(c) = loaded.config, c.t5gemma2 != nil { sharedTable = "model.encoder.embed_tokens.weight" }
        var total = 0
        for (name, shape) in WeightLayout.expectedShapes(loaded.config) where shape.count == 2 {
            if (name.contains(".encoder.") || name.hasPrefix("encoder.")) && name != sharedTable { continue }
            if name.contains("cross_attn.k_proj") || name.contains("cross_attn.v_proj") { continue }
            guard let t = parameters.tensor(name) else {
                total += shape.reduce(1, *) * 2
                continue
            }
            total += t.byteCount + (t.scales?.byteCount ?? 0)   // embedding counts once, as the LM head
        }
        return total
    }
}

/// Resident memory of this process, from /proc/self/statm.
enum ProcessMemory {
    static var residentGigabytes: Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1e9
    }
}
