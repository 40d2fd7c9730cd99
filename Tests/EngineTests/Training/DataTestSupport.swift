import Foundation
@testable import Engine

/// Temporary directories, the fixture tokenizer and checks shared by the data pipeline tests.
enum DataTestSupport {
    /// A fresh empty directory, removed by `cleanup`.
    static func temporaryDirectory(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("duet-data-\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func cleanup(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }

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
    static func problems(_ batch: TrainingBatch, options: DataOptions, pad: TokenID) -> [String] {
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
            // Decoder input = <bos> + labels shifted right: each learnt target is the next input token.
            for r in 0..<dec.batch {
                for t in 0..<dec.length - 1 {
                    let i = r * dec.length + t
                    if batch.targets[i] != -100 && dec.valid[i + 1] && dec.ids[i + 1] != batch.targets[i] {
                        out.append("decoder input is not the shifted labels at \(r),\(t)")
                    }
                }
            }
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
        return out
    }
}
