/// Lays examples out as a `TrainingBatch`: rows right-padded to the longest row of the batch.
enum BatchAssembler {
    /// Decoder-only rows, each holding one or more examples. With `packed`, every row gets
    /// `segments` (example k of a row is segment k; padding continues the last segment so that its
    /// queries see real keys) and positions restart at 0 for each example. `targets[t]` is the next
    /// token when that token belongs to the same example and is learnt.
    static func decoderOnly(_ rows: [[TrainingExample]], packed: Bool, pad: TokenID) -> TrainingBatch {
        let length = rows.map { $0.reduce(0) { $0 + $1.tokens.count } }.max() ?? 0
        let cells = rows.count * length
        var ids = [TokenID](repeating: pad, count: cells)
        var valid = [Bool](repeating: false, count: cells)
        var positions = [Int32](repeating: 0, count: cells)
        var segments = [Int32](repeating: 0, count: cells)
        var targets = [Int32](repeating: -100, count: cells)
        for (r, row) in rows.enumerated() {
            precondition(packed || row.count == 1, "an unpacked row holds one example")
            var t = r * length
            for (k, example) in row.enumerated() {
                for (i, token) in example.tokens.enumerated() {
                    ids[t] = token
                    valid[t] = true
                    positions[t] = Int32(i)
                    segments[t] = Int32(k)
                    if i + 1 < example.tokens.count && example.learn[i + 1] { targets[t] = example.tokens[i + 1] }
                    t += 1
                }
            }
            // Padding: positions continue, segment continues the last example's.
            let rowEnd = (r + 1) * length
            var p: Int32 = t > r * length ? positions[t - 1] + 1 : 0
            let lastSegment = Int32(max(row.count - 1, 0))
            while t < rowEnd {
                positions[t] = p
                segments[t] = lastSegment
                p += 1
                t += 1
            }
        }
        let input = TokenBatch(batch: rows.count, length: length, ids: ids, valid: valid, positions: positions,
                               segments: packed ? segments : nil)
        return TrainingBatch(encoderInput: nil, decoderInput: input, targets: targets)
    }

    /// Encoder-decoder rows, one example each: the encoder reads `example.encoder`; the decoder reads
    /// `<bos>` + labels without the last (`T5GemmaModel.decoderInputs`) and `targets[t]` is label `t`
    /// where it is learnt.
    static func encoderDecoder(_ examples: [TrainingExample], bos: TokenID, pad: TokenID) -> TrainingBatch {
        let encoder = TokenBatch(sequences: examples.map { $0.encoder! }, padID: pad)
        let decoder = TokenBatch(sequences: examples.map { [bos] + $0.tokens.dropLast() }, padID: pad)
        var targets = [Int32](repeating: -100, count: decoder.batch * decoder.length)
        for (r, example) in examples.enumerated() {
            for (i, label) in example.tokens.enumerated() where example.learn[i] {
                targets[r * decoder.length + i] = label
            }
        }
        return TrainingBatch(encoderInput: encoder, decoderInput: decoder, targets: targets)
    }
}
