import ArgumentParser
import Foundation
import Engine
import Sessions

/// `duet adapt`: a T5Gemma encoder-decoder initialised from decoder-only Gemma 2 checkpoints.
struct AdaptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adapt",
        abstract: "Turn decoder-only Gemma 2 checkpoints into a T5Gemma encoder-decoder (the paper's initialisation).",
        discussion: """
        Balanced (default): encoder and decoder from --from, cross-attention copied from self-attention. \
        Unbalanced: --encoder-from a wider model; cross-attention random (seeded) and the run plan written beside \
        the checkpoint (duet_adaptation.json) says to train it alone for the first steps. Follow with `duet train`.
        """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Decoder-only model that provides the decoder (and the encoder unless --encoder-from).") var from: String
    @Option(help: "A (bigger) decoder-only model that provides the encoder.") var encoderFrom: String?
    @Option(help: "Output directory.") var out: String
    @Option(help: "Cross-attention initialisation: copy or random (default: copy when widths match).")
    var crossAttn: CrossAttentionInit?
    @Option(help: "Seed for random cross-attention.") var seed: UInt64 = 0

    func run() throws {
        global.apply()
        let start = Date()
        let outURL = URL(fileURLWithPath: out).standardizedFileURL
        var config: [String: Sessions.JSONValue] = ["from": .string(from), "out": .string(outURL.path), "seed": .int(Int64(seed))]
        if let encoderFrom { config["encoderFrom"] = .string(encoderFrom) }
        if let crossAttn { config["crossAttention"] = .string(crossAttn.rawValue) }
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
        print("cross-attention: \(plan.crossAttention.rawValue)"
              + (plan.warmupCrossAttentionSteps > 0 ? "; train it alone for the first \(plan.warmupCrossAttentionSteps) steps (--warmup-cross-attn)" : ""))
    }
}

extension CrossAttentionInit: ExpressibleByArgument {}
