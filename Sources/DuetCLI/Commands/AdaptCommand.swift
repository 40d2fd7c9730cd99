import ArgumentParser
import DuetCore
import Foundation
import Engine
import Sessions

/// `duet adapt`: a T5Gemma encoder-decoder initialised from decoder-only Gemma 2 checkpoints, or a
/// T5Gemma 2 from a Gemma 3 text checkpoint.
package struct AdaptCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "adapt",
        abstract: "Turn decoder-only Gemma 2 (Gemma 3) checkpoints into a T5Gemma (T5Gemma 2) encoder-decoder (the paper's initialisation).",
        discussion: """
        Balanced (default): encoder and decoder from --from, cross-attention copied from self-attention. \
        Unbalanced: --encoder-from a wider model; cross-attention random (seeded) and the run plan written beside \
        the checkpoint (duet_adaptation.json) says to train it alone for the first steps. A Gemma 3 text model \
        (model_type gemma3_text) becomes a T5Gemma 2: both stacks from it, merged attention with no new weights \
        (equal widths only). Follow with `duet train`.
        """)

    package init() {}

    @OptionGroup var global: GlobalOptions
    @Option(help: "Decoder-only model that provides the decoder (and the encoder unless --encoder-from).") var from: String
    @Option(help: "A (bigger) decoder-only model that provides the encoder.") var encoderFrom: String?
    @Option(help: "Output directory.") var out: String
    @Option(help: "Cross-attention initialisation: copy or random (default: copy when widths match).")
    var crossAttn: CrossAttentionInit?
    @Option(help: "Seed for random cross-attention.") var seed: UInt64 = 0

    package func run() throws {
        global.apply()
        let start = Date()
        let outURL = URL(fileURLWithPath: out).standardizedFileURL
        var config: [(String, JSONValue)] = [("from", .string(from)), ("out", .string(outURL.path)), ("seed", .int(Int(seed)))]
        if let encoderFrom { config.append(("encoderFrom", .string(encoderFrom))) }
        if let crossAttn { config.append(("crossAttention", .string(crossAttn.rawValue))) }
        let recorded = RecordedRun(global: global, kind: .adapt, name: outURL.lastPathComponent, config: .object(config),
                                   outputDirectory: outURL.path)
        let plan = try recorded.run {
            try Adaptation.adapt(decoderFrom: URL(fileURLWithPath: from), encoderFrom: encoderFrom.map { URL(fileURLWithPath: $0) },
                                 crossAttention: crossAttn, seed: seed, to: outURL)
        }
        // Adapting random weights gives random weights: say so beside them (the UI labels such models).
        let sources = [from] + (encoderFrom.map { [$0] } ?? [])
        let random = sources.contains { ModelProvenance.read(URL(fileURLWithPath: $0))?.isRandom == true }
        try ModelProvenance(weights: random ? "random" : "adapted", createdBy: "duet adapt", source: from).write(to: outURL)
        print("wrote \(outURL.path) in " + String(format: "%.1f s", Date().timeIntervalSince(start)))
        if case let .t5gemma(c) = try ModelConfigFile.load(directory: outURL), c.t5gemma2 != nil {
            print("T5Gemma 2: merged attention reads the encoder with each decoder layer's own projections (no new weights)")
        } else {
            print("cross-attention: \(plan.crossAttention.rawValue)"
                  + (plan.warmupCrossAttentionSteps > 0 ? "; train it alone for the first \(plan.warmupCrossAttentionSteps) steps (--warmup-cross-attn)" : ""))
        }
    }
}

extension CrossAttentionInit: ExpressibleByArgument {}
