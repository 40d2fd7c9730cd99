import ArgumentParser
import Foundation
import Engine
import Tokenizers

/// `duet score`: runs a model on given ids and reports logits, loss and per-token log-probabilities.
package struct ScoreCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Run a model on token ids; write logits (.npy) and report loss and log-probabilities.",
        discussion: """
        Decoder-only: the ids are the sequence (no BOS added). Encoder-decoder: the ids go to the encoder and \
        --decoder-input-ids (default: <bos>) to the decoder. The loss is the mean next-token NLL over \
        positions 1..T-1 of the (decoder) sequence; logprobs[i] is log p(token i+1 | tokens 0...i).
        """)

    package init() {}

    @OptionGroup var global: GlobalOptions
    @OptionGroup var weights: QuantizeOption
    @Option(help: "Model directory (Hugging Face layout).") var model: String
    @Option(help: "Comma-separated token ids.") var inputIds: String
    @Option(help: "Decoder ids for encoder-decoder models (default: the BOS id).") var decoderInputIds: String?
    @Option(help: "Write the final soft-capped logits [T, V] as float32 .npy.") var logitsOut: String?
    @Flag(help: "Print JSON.") var json = false

    package func run() throws {
        global.apply()
        let loaded = try openModel(model, quantization: weights.quantize)
        let ids = try parseTokenIDs(inputIds, option: "--input-ids")
        guard !ids.isEmpty else { throw ValidationError("--input-ids: no ids given") }
        // The hidden states of every position, then the logits a few rows at a time: [T, V] logits are
        // never held at once (4 GB for a 256k vocabulary at 4,096 tokens).
        let scored: [TokenID], vocabulary: Int
        let logitRows: (Range<Int>, UnsafeMutablePointer<Float>) -> Void
        switch loaded.model {
        case let m as Gemma2Model:
            try validate(ids, vocabulary: m.vocabularySize, option: "--input-ids")
            let acts = m.makeHiddenActivations(batch: 1, length: ids.count)
            m.forwardHidden(TokenBatch(sequences: [ids], padID: m.config.padTokenID), acts)
            (scored, vocabulary) = (ids, m.vocabularySize)
            logitRows = { m.logits(rows: $0, acts, into: $1) }
        case let m as T5GemmaModel:
            let decoderIDs = try decoderInputIds.map { try parseTokenIDs($0, option: "--decoder-input-ids") } ?? [m.config.bosTokenID]
            try validate(ids, vocabulary: m.config.encoder.vocabSize, option: "--input-ids")
            try validate(decoderIDs, vocabulary: m.vocabularySize, option: "--decoder-input-ids")
            let acts = m.makeHiddenActivations(batch: 1, encoderLength: ids.count, decoderLength: decoderIDs.count)
            m.forwardHidden(encoderInput: TokenBatch(sequences: [ids], padID: m.config.padTokenID),
                            decoderInput: TokenBatch(sequences: [decoderIDs], padID: m.config.padTokenID), acts)
            (scored, vocabulary) = (decoderIDs, m.vocabularySize)
            logitRows = { m.logits(rows: $0, acts, into: $1) }
        default:
            throw ValidationError("unsupported model type")
        }
        let chunk = max(1, Self.chunkFloats / vocabulary)
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: chunk * vocabulary)
        defer { buffer.deallocate() }
        var logprobs: [Double] = []
        func scoreRows(_ write: ((UnsafePointer<Float>, Int) throws -> Void)?) throws {
            for start in stride(from: 0, to: scored.count, by: chunk) {
                let rows = start..<min(scored.count, start + chunk)
                logitRows(rows, buffer)
                logprobs += Self.nextTokenLogProbabilities(logits: buffer, vocabulary: vocabulary, rows: rows, tokens: scored)
                try write?(buffer, rows.count * vocabulary)
            }
        }
        if let logitsOut {
            try NPY.write(shape: [scored.count, vocabulary], to: URL(fileURLWithPath: logitsOut)) { sink in
                try scoreRows { try sink.write($0, count: $1) }
            }
        } else {
            try scoreRows(nil)
        }
        let loss: Double? = logprobs.isEmpty ? nil : -logprobs.reduce(0, +) / Double(logprobs.count)
        if json {
            try printJSON(["tokens": scored.count, "loss": loss.map { $0 as Any } ?? NSNull(), "logprobs": logprobs])
        } else {
            print("tokens: \(scored.count)")
            print("loss:   \(loss.map { String(format: "%.6f", $0) } ?? "n/a (one token)")")
            if let logitsOut { print("logits: \(logitsOut) [\(scored.count), \(vocabulary)]") }
        }
    }

    private func validate(_ ids: [TokenID], vocabulary: Int, option: String) throws {
        if let bad = ids.first(where: { Int($0) >= vocabulary }) {
            throw ValidationError("\(option): id \(bad) is outside the vocabulary (0..<\(vocabulary))")
        }
    }

    /// Floats of logits computed at once (16 MiB; a few rows of a 256k vocabulary).
    static let chunkFloats = 4 << 20

    /// log p(tokens[t+1] | ...) for the positions `t` of `rows` that have a next token, from the logits
    /// of those rows (`[rows.count, vocabulary]`), in double precision.
    static func nextTokenLogProbabilities(logits: UnsafePointer<Float>, vocabulary v: Int, rows: Range<Int>,
                                          tokens: [TokenID]) -> [Double] {
        rows.filter { $0 + 1 < tokens.count }.map { t in
            let row = logits + (t - rows.lowerBound) * v
            var maxValue = row[0]
            for i in 1..<v { maxValue = max(maxValue, row[i]) }
            var sum = 0.0
            for i in 0..<v { sum += exp(Double(row[i] - maxValue)) }
            return Double(row[Int(tokens[t + 1])] - maxValue) - log(sum)
        }
    }
}
