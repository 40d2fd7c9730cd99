import ArgumentParser
import Foundation
import Engine

/// `duet score`: runs a model on given ids and reports logits, loss and per-token log-probabilities.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Run a model on token ids; write logits (.npy) and report loss and log-probabilities.",
        discussion: """
        Decoder-only: the ids are the sequence (no BOS added). Encoder-decoder: the ids go to the encoder and \
        --decoder-input-ids (default: <bos>) to the decoder. The loss is the mean next-token NLL over \
        positions 1..T-1 of the (decoder) sequence; logprobs[i] is log p(token i+1 | tokens 0...i).
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var weights: QuantizeOption
    @Option(help: "Model directory (Hugging Face layout).") var model: String
    @Option(help: "Comma-separated token ids.") var inputIds: String
    @Option(help: "Decoder ids for encoder-decoder models (default: the BOS id).") var decoderInputIds: String?
    @Option(help: "Write the final soft-capped logits [T, V] as float32 .npy.") var logitsOut: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        global.apply()
        let loaded = try openModel(model, quantization: weights.quantize)
        let ids = try parseTokenIDs(inputIds, option: "--input-ids")
        guard !ids.isEmpty else { throw ValidationError("--input-ids: no ids given") }
        let logits: Tensor, scored: [TokenID]
        switch loaded.model {
        case let m as Gemma2Model:
            try validate(ids, vocabulary: m.vocabularySize, option: "--input-ids")
            let batch = TokenBatch(sequences: [ids], padID: m.config.padTokenID)
            let acts = m.makeActivations(batch: 1, length: ids.count, training: false)
            m.forward(batch, acts)
            logits = acts.logits
            scored = ids
        case let m as T5GemmaModel:
            let decoderIDs = try decoderInputIds.map { try parseTokenIDs($0, option: "--decoder-input-ids") } ?? [m.config.bosTokenID]
            try validate(ids, vocabulary: m.config.encoder.vocabSize, option: "--input-ids")
            try validate(decoderIDs, vocabulary: m.vocabularySize, option: "--decoder-input-ids")
            let acts = m.makeActivations(batch: 1, encoderLength: ids.count, decoderLength: decoderIDs.count, training: false)
            m.forward(encoderInput: TokenBatch(sequences: [ids], padID: m.config.padTokenID),
                      decoderInput: TokenBatch(sequences: [decoderIDs], padID: m.config.padTokenID), acts)
            logits = acts.logits
            scored = decoderIDs
        default:
            throw ValidationError("unsupported model type")
        }
        if let logitsOut { try NPY.write(logits, to: URL(fileURLWithPath: logitsOut)) }
        let logprobs = Self.nextTokenLogProbabilities(logits: logits, tokens: scored)
        let loss: Double? = logprobs.isEmpty ? nil : -logprobs.reduce(0, +) / Double(logprobs.count)
        if json {
            try printJSON(["tokens": scored.count, "loss": loss.map { $0 as Any } ?? NSNull(), "logprobs": logprobs])
        } else {
            print("tokens: \(scored.count)")
            print("loss:   \(loss.map { String(format: "%.6f", $0) } ?? "n/a (one token)")")
            if let logitsOut { print("logits: \(logitsOut) [\(logits.shape.map(String.init).joined(separator: ", "))]") }
        }
    }

    private func validate(_ ids: [TokenID], vocabulary: Int, option: String) throws {
        if let bad = ids.first(where: { Int($0) >= vocabulary }) {
            throw ValidationError("\(option): id \(bad) is outside the vocabulary (0..<\(vocabulary))")
        }
    }

    /// log p(tokens[t+1] | ...) from row t of the logits, computed in double precision.
    static func nextTokenLogProbabilities(logits: Tensor, tokens: [TokenID]) -> [Double] {
        let v = logits.shape[1]
        let p = logits.f32
        return (0..<max(0, tokens.count - 1)).map { t in
            let row = p + t * v
            var maxValue = row[0]
            for i in 1..<v { maxValue = max(maxValue, row[i]) }
            var sum = 0.0
            for i in 0..<v { sum += exp(Double(row[i] - maxValue)) }
            return Double(row[Int(tokens[t + 1])] - maxValue) - log(sum)
        }
    }
}
