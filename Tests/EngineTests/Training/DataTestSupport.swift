import Foundation
@testable import Engine
@testable import Tokenizers

/// The fixture tokenizer and checks shared by the data pipeline tests.
enum DataTestSupport {
    /// The gemma-like fixture tokenizer (tokenizer.json + tokenizer_config.json).
    static let tokenizer: any Tokenizer = try! TokenizerLoader.load(directory: TokenizerFixtures.gemmaLike)!

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Deterministic English-like text: `count` sentences drawn from a small vocabulary.
    static func sentences(_ count: Int, seed: UInt64) -> String {
        let words = ["the", "river", "runs", "quietly", "past", "old", "stone", "houses", "where", "children", "play",
                     "and", "birds", "sing", "in", "morning", "light", "while", "a", "fox", "watches", "from", "hills"]
        var random = DataRandom(seed: seed)
        var out = ""
        for _ in 0..<count {
            let n = 4 + random.below(9)
            var sentence = (0..<n).map { _ in words[random.below(words.count)] }.joined(separator: " ")
            sentence = sentence.prefix(1).uppercased() + sentence.dropFirst() + ". "
            out += sentence
        }
        return out
    }

    /// A corpus of `documents` documents as JSONL text records.
    static func textJSONL(documents: Int, sentencesEach: ClosedRange<Int>, seed: UInt64) -> String {
        var random = DataRandom(seed: seed)
        return (0..<documents).map { d in
            let n = sentencesEach.lowerBound + random.below(sentencesEach.count)
            return jsonLine(["text": sentences(n, seed: seed &+ UInt64(d))])
        }.joined(separator: "\n") + "\n"
    }

    static func jsonLine(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Conversations as JSONL: alternating `{"messages"}` and `{"prompt", "response"}` records.
    static func chatJSONL(conversations: Int, seed: UInt64) -> String {
        (0..<conversations).map { c in
            let s = seed &+ UInt64(c)
            if c % 2 == 0 {
                return jsonLine(["prompt": sentences(1, seed: s), "response": sentences(2, seed: s &+ 100)])
            }
            let messages: [[String: String]] = [
                ["role": "system", "content": "Answer briefly."],
                ["role": "user", "content": sentences(1, seed: s)],
                ["role": "assistant", "content": sentences(1, seed: s &+ 200)],
                ["role": "user", "content": sentences(1, seed: s &+ 300)],
                ["role": "model", "content": sentences(2, seed: s &+ 400)],
            ]
            return jsonLine(["messages": messages])
        }.joined(separator: "\n") + "\n"
    }

    /// Checks the invariants every batch must hold; returns failures as text (empty when fine).
    /// With `bos`, every packed segment must start with it (every objective's examples do, on both
    /// sides of encoder-decoder rows).
    static func problems(_ batch: TrainingBatch, options: DataOptions, pad: TokenID, bos: TokenID? = nil) -> [String] {
        var out: [String] = []
        let dec = batch.decoderInput
        if batch.targets.count != dec.batch * dec.length { out.append("targets count") }
        if dec.ids.count != dec.batch * dec.length || dec.valid.count != dec.ids.count || dec.positions.count != dec.ids.count {
            out.append("decoder shapes")
        }
        if dec.batch > options.batchSize { out.append("batch \(dec.batch) > \(options.batchSize)") }
        if dec.length > options.decoderLength { out.append("decoder length \(dec.length) > \(options.decoderLength)") }
        for r in 0..<dec.batch {
            // Padding only at the end of a row, and no learnt target from a padding position.
            var seenPad = false
            for t in 0..<dec.length {
                let i = r * dec.length + t
                if !dec.valid[i] { seenPad = true; if batch.targets[i] != -100 { out.append("target at padding \(r),\(t)") } }
                else if seenPad { out.append("token after padding \(r),\(t)") }
                if !dec.valid[i] && dec.ids[i] != pad { out.append("padding id \(r),\(t)") }
            }
        }
        if let enc = batch.encoderInput {
            if !options.encoderDecoder { out.append("encoder input for decoder-only") }
            if enc.batch != dec.batch { out.append("encoder batch") }
            if enc.length > options.sequenceLength { out.append("encoder length \(enc.length) > \(options.sequenceLength)") }
            // Decoder input = <bos> + labels shifted right: each learnt target is the next input token
            // of its example.
            for r in 0..<dec.batch {
                for t in 0..<dec.length - 1 {
                    let i = r * dec.length + t
                    if let seg = dec.segments, seg[i] != seg[i + 1] { continue }
                    if batch.targets[i] != -100 && dec.valid[i + 1] && dec.ids[i + 1] != batch.targets[i] {
                        out.append("decoder input is not the shifted labels at \(r),\(t)")
                    }
                }
            }
            // Packed: the encoder row and its decoder row hold the same examples, in the same order.
            if (enc.segments == nil) != (dec.segments == nil) { out.append("segments on one side only") }
            if enc.segments != nil && dec.segments != nil {
                for r in 0..<dec.batch where segmentRuns(enc, row: r) != segmentRuns(dec, row: r) {
                    out.append("encoder and decoder segments differ in row \(r)")
                }
            }
            out += segmentProblems(enc, side: "encoder", bos: bos)
        } else {
            if options.encoderDecoder { out.append("no encoder input") }
            for r in 0..<dec.batch {
                for t in 0..<dec.length {
                    let i = r * dec.length + t
                    guard batch.targets[i] != -100 else { continue }
                    if t + 1 >= dec.length || batch.targets[i] != dec.ids[i + 1] { out.append("target is not the next token at \(r),\(t)") }
                    if let seg = dec.segments, t + 1 < dec.length, seg[i] != seg[i + 1] { out.append("target crosses segments at \(r),\(t)") }
                }
            }
        }
        out += segmentProblems(dec, side: "decoder", bos: bos)
        return out
    }

    /// The segment ids of a row's real tokens, one entry per run.
    static func segmentRuns(_ input: TokenBatch, row r: Int) -> [Int32] {
        guard let seg = input.segments else { return [] }
        var runs: [Int32] = []
        for t in 0..<input.length where input.valid[r * input.length + t] {
            let id = seg[r * input.length + t]
            if runs.last != id { runs.append(id) }
        }
        return runs
    }

    /// Packed rows: segments count up 0, 1, 2, ... along the row, positions restart at 0 with each
    /// and, given `bos`, each segment starts with it.
    static func segmentProblems(_ input: TokenBatch, side: String, bos: TokenID?) -> [String] {
        guard let seg = input.segments else { return [] }
        var out: [String] = []
        for r in 0..<input.batch {
            for t in 0..<input.length where input.valid[r * input.length + t] {
                let i = r * input.length + t
                let starts = t == 0 || seg[i] != seg[i - 1]
                if starts {
                    if seg[i] != (t == 0 ? 0 : seg[i - 1] + 1) { out.append("\(side) segment ids do not count up at \(r),\(t)") }
                    if input.positions[i] != 0 { out.append("\(side) position does not restart at \(r),\(t)") }
                    if let bos, input.ids[i] != bos { out.append("\(side) segment does not start with <bos> at \(r),\(t)") }
                } else if input.positions[i] != input.positions[i - 1] + 1 {
                    out.append("\(side) positions do not count on at \(r),\(t)")
                }
            }
        }
        return out
    }
}
