import Tokenizers
/// Lays examples out as a `TrainingBatch`: rows right-padded to the longest row of the batch.
///
/// Packed rows (several examples each) get `segments`: example k of a row is segment k, and padding
/// continues the last segment so that its queries see real keys; positions restart at 0 for each
/// example. Unpacked rows hold one example, have no segments, and their positions run on through the
/// padding (as `TokenBatch(sequences:padID:)`).
enum BatchAssembler {
    /// Decoder-only rows, each holding one or more examples (one unless `packed`). `targets[t]` is the
    /// next token when that token belongs to the same example and is learnt.
    static func decoderOnly(_ rows: [[TrainingExample]], packed: Bool, pad: TokenID) -> TrainingBatch {
        let input = layOut(rows.map { $0.map(\.tokens) }, packed: packed, pad: pad)
        var targets = [Int32](repeating: -100, count: input.ids.count)
        for (r, row) in rows.enumerated() {
            var start = r * input.length
            for example in row {
                for i in example.tokens.indices.dropFirst() where example.learn[i] {
                    targets[start + i - 1] = example.tokens[i]
                }
                start += example.tokens.count
            }
        }
        return TrainingBatch(encoderInput: nil, decoderInput: input, targets: targets)
    }

    /// Encoder-decoder rows, each holding one or more examples (one unless `packed`). The encoder row
    /// concatenates the examples' encoder inputs; the decoder row their decoder inputs, each `<bos>` +
    /// labels without the last (`T5GemmaModel.decoderInputs`), with the same segment ids, so example k
    /// of a decoder row cross-attends only to example k of its encoder row. `targets[t]` is the label
    /// read at `t` where it is learnt; no target crosses into another example.
    static func encoderDecoder(_ rows: [[TrainingExample]], packed: Bool, bos: TokenID, pad: TokenID) -> TrainingBatch {
        let encoder = layOut(rows.map { $0.map { $0.encoder! } }, packed: packed, pad: pad)
        let decoder = layOut(rows.map { $0.map { [bos] + $0.tokens.dropLast() } }, packed: packed, pad: pad)
        var targets = [Int32](repeating: -100, count: decoder.ids.count)
        for (r, row) in rows.enumerated() {
            var start = r * decoder.length
            for example in row {
                for (i, label) in example.tokens.enumerated() where example.learn[i] { targets[start + i] = label }
                start += example.tokens.count
            }
        }
        return TrainingBatch(encoderInput: encoder, decoderInput: decoder, targets: targets)
    }

    /// One side of a batch: each row the concatenation of its examples' tokens, right-padded with `pad`
    /// to the longest row (see the type's doc for segments and positions).
    static func layOut(_ rows: [[[TokenID]]], packed: Bool, pad: TokenID) -> TokenBatch {
        let length = rows.map { $0.reduce(0) { $0 + $1.count } }.max() ?? 0
        let cells = rows.count * length
        var ids = [TokenID](repeating: pad, count: cells)
        var valid = [Bool](repeating: false, count: cells)
        var positions = [Int32](repeating: 0, count: cells)
        var segments = [Int32](repeating: 0, count: cells)
        for (r, row) in rows.enumerated() {
            precondition(packed || row.count == 1, "an unpacked row holds one example")
            var t = r * length
            for (k, tokens) in row.enumerated() {
                for (i, token) in tokens.enumerated() {
                    ids[t] = token
                    valid[t] = true
                    positions[t] = Int32(i)
                    segments[t] = Int32(k)
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
        return TokenBatch(batch: rows.count, length: length, ids: ids, valid: valid, positions: positions,
                          segments: packed ? segments : nil)
    }
}
