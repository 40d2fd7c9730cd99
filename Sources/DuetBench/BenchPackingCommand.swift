import ArgumentParser
import DuetCLI
import Foundation
import Engine

/// `duet bench packing`: what packing several examples into each row buys on real training data:
/// real tokens per padded token over a whole epoch, and training tokens/s, packed against unpacked
/// (one example per row) in the same run, on the same model, data and objective.
package struct BenchPackingCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "packing",
        abstract: "Measure packing efficiency and training tokens/s of packed vs one-example-per-row batches.",
        discussion: """
            Reads the data as `duet train` does (the model directory's tokenizer), plans one epoch each way \
            and counts real tokens against padded cells (encoder and decoder rows for encoder-decoder \
            models), then times --steps training steps (after one warm-up step) on each, alternating.
            """)

    package init() {}

    @OptionGroup var global: GlobalOptions
    @Option(help: "Model directory (with its tokenizer).") var model: String
    @Option(help: "Training data: a text file, a directory of .txt/.md/.jsonl, or JSONL.") var data: String
    @Option(help: "clm, prefixlm, ul2 or sft.") var objective: TrainingObjective = .prefixlm
    @Option(help: "Rows per batch.") var batch = 8
    @Option(name: .customLong("seq-len"), help: "Tokens per row (encoder-decoder: encoder length).") var seqLen = 256
    @Option(name: .customLong("target-len"), help: "Encoder-decoder: decoder length (default: --seq-len).") var targetLen: Int?
    @Option(help: "Timed training steps per layout (after one warm-up step).") var steps = 5
    @Flag(help: "Print JSON.") var json = false

    package func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
    }

    /// Token counts of a set of batches: real tokens and padded cells (encoder + decoder).
    struct Fill {
        var batches = 0, rows = 0, examples = 0, realTokens = 0, cells = 0, targets = 0
        var efficiency: Double { cells > 0 ? Double(realTokens) / Double(cells) : 0 }

        mutating func add(_ batch: TrainingBatch) {
            batches += 1
            rows += batch.decoderInput.batch
            targets += batch.targetTokenCount
            for input in [batch.encoderInput, batch.decoderInput].compactMap({ $0 }) {
                cells += input.ids.count
                realTokens += input.valid.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            examples += Self.examples(batch.decoderInput)
        }

        /// Examples in a batch: one per row, or one per segment run of a packed row's real tokens.
        static func examples(_ input: TokenBatch) -> Int {
            guard let segments = input.segments else { return input.batch }
            var count = 0
            for r in 0..<input.batch {
                var last: Int32? = nil
                for t in 0..<input.length where input.valid[r * input.length + t] {
                    let s = segments[r * input.length + t]
                    if s != last { count += 1 }
                    last = s
                }
            }
            return count
        }
    }

    /// One layout's results.
    struct Measurement {
        var epoch: Fill
        var timed: Fill
        var seconds: Double
        var targetTokensPerSecond: Double { Double(timed.targets) / seconds }
        var realTokensPerSecond: Double { Double(timed.realTokens) / seconds }
        /// Seconds one epoch takes at the measured rate.
        var epochSeconds: Double { Double(epoch.targets) / targetTokensPerSecond }

        var jsonObject: [String: Any] {
            [
                "epoch_batches": epoch.batches, "epoch_rows": epoch.rows, "epoch_examples": epoch.examples,
                "epoch_real_tokens": epoch.realTokens, "epoch_padded_tokens": epoch.cells, "epoch_target_tokens": epoch.targets,
                "tokens_per_padded_token": epoch.efficiency, "timed_steps": timed.batches, "timed_seconds": seconds,
                "target_tokens_per_second": targetTokensPerSecond, "real_tokens_per_second": realTokensPerSecond,
                "epoch_seconds_estimate": epochSeconds,
            ]
        }
    }

    package func run() throws {
        global.apply()
        let url = URL(fileURLWithPath: (model as NSString).expandingTildeInPath)
        let loaded: LoadedModel
        do { loaded = try ModelLoader.load(directory: url, trainable: true) } catch {
            throw CommandFailure("cannot open model \(url.path): \(error)")
        }
        guard let tokenizer = loaded.tokenizer else { throw CommandFailure("\(url.path) has no tokenizer") }
        let trainable = try TrainableModel(loaded.model)
        let dataURL = URL(fileURLWithPath: (data as NSString).expandingTildeInPath)
        // Unpacked first: it is the baseline, and the token cache it writes serves both.
        let layouts = try [false, true].map { packing in
            let options = DataOptions(objective: objective, encoderDecoder: trainable.isEncoderDecoder, batchSize: batch,
                                      sequenceLength: seqLen, targetLength: targetLen, packing: packing)
            return try TrainingData(path: dataURL, tokenizer: tokenizer, options: options)
        }
        let results = try measure(layouts, trainable: trainable)
        let unpacked = results[0], packed = results[1]
        let speedup = packed.targetTokensPerSecond / unpacked.targetTokensPerSecond
        if json {
            return try printJSON([
                "architecture": trainable.isEncoderDecoder ? "encoder-decoder" : "decoder-only",
                "objective": objective.rawValue, "batch": batch, "sequence_length": seqLen,
                "target_length": targetLen ?? seqLen, "threads": EngineThreads.count,
                "unpacked": unpacked.jsonObject, "packed": packed.jsonObject,
                "target_tokens_per_second_ratio": speedup,
            ] as [String: Any])
        }
        let shape = trainable.isEncoderDecoder ? "\(seqLen) encoder + \(targetLen ?? seqLen) decoder" : "\(seqLen)"
        print("duet bench packing: \(model) (\(trainable.isEncoderDecoder ? "encoder-decoder" : "decoder-only")), \(objective.rawValue), \(batch) rows of \(shape) tokens, \(EngineThreads.count) threads")
        for (name, m) in [("unpacked", unpacked), ("packed", packed)] {
            print(String(format: "%@ epoch: %d examples in %d rows (%d batches), %.1f%% of padded tokens real (%.3f tokens per padded token)",
                         name.padding(toLength: 8, withPad: " ", startingAt: 0), m.epoch.examples, m.epoch.rows, m.epoch.batches,
                         m.epoch.efficiency * 100, m.epoch.efficiency))
            print(String(format: "         train: %d steps in %.2f s: %.0f target tokens/s, %.0f real tokens/s -> epoch ≈ %.0f s",
                         m.timed.batches, m.seconds, m.targetTokensPerSecond, m.realTokensPerSecond, m.epochSeconds))
        }
        print(String(format: "packed vs unpacked: %.2fx tokens per padded token, %.2fx target tokens/s, %.2fx fewer steps per epoch",
                     packed.epoch.efficiency / unpacked.epoch.efficiency, speedup,
                     Double(unpacked.epoch.batches) / Double(max(1, packed.epoch.batches))))
    }

    /// Counts each layout's first epoch, then trains one warm-up step and `steps` timed steps on each
    /// layout's first batches, alternating between the layouts step by step so that a change in the
    /// machine's load (other processes) weighs on both alike.
    private func measure(_ layouts: [TrainingData], trainable: TrainableModel) throws -> [Measurement] {
        var epochs = [Fill](repeating: Fill(), count: layouts.count)
        for (i, data) in layouts.enumerated() {
            var iterator = data.batches()
            repeat { epochs[i].add(iterator.next()) } while iterator.position.epoch == 0
        }
        let trainer = try Trainer(model: trainable, config: TrainingConfig(steps: layouts.count * (steps + 1), learningRate: 1e-5))
        var iterators = layouts.map { $0.batches() }
        for i in iterators.indices { _ = try trainer.trainStep([iterators[i].next()]) }
        var timed = [Fill](repeating: Fill(), count: layouts.count)
        var seconds = [Double](repeating: 0, count: layouts.count)
        for _ in 0..<steps {
            for i in iterators.indices {
                let batch = iterators[i].next()
                let start = Date()
                _ = try trainer.trainStep([batch])
                seconds[i] += Date().timeIntervalSince(start)
                timed[i].add(batch)
            }
        }
        return layouts.indices.map { Measurement(epoch: epochs[$0], timed: timed[$0], seconds: seconds[$0]) }
    }
}
