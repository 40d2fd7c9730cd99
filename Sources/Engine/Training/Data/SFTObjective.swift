/// Supervised fine-tuning on conversations (`ConversationTokens`).
/// - Decoder-only: the whole conversation in one row, loss on every model turn (text and
///   `<end_of_turn>`); conversations longer than the row are cut at the row's end.
/// - Encoder-decoder: one example per model turn, so both architectures learn from the same targets
///   (a two-turn chat teaches the decoder-only model both replies, and so it does the encoder-decoder).
///   The encoder reads the conversation up to that turn's generation prompt (`...<start_of_turn>model\n`,
///   earlier turns included; the oldest tokens after `<bos>` are dropped if it is too long); the decoder
///   learns the turn, its `<end_of_turn>`, and `<eos>` (cut to the decoder length).
enum SFTObjective {
    /// The specs of one conversation (one per model turn for an encoder-decoder), or none when nothing
    /// learnable fits.
    static func plan(_ doc: DocumentInfo, learn: UnsafeBufferPointer<UInt8>, encoderLength: Int?, decoderLength: Int) -> [ExampleSpec] {
        let n = doc.count
        let base = ExampleSpec(kind: .conversation, document: Int32(doc.index), start: 0, length: Int32(n))
        if let encoderLength {
            return replies(learn).map { reply in
                var spec = base
                spec.split = Int32(reply.start)
                spec.encoderLength = Int32(min(reply.start, encoderLength))
                spec.decoderLength = Int32(min(reply.end - reply.start + 1, decoderLength))
                return spec
            }
        }
        let kept = min(n, decoderLength)
        // Token 0 is <bos>, never learnt; something after it must be.
        guard (1..<kept).contains(where: { learn[$0] != 0 }) else { return [] }
        var spec = base
        spec.decoderLength = Int32(kept)
        return [spec]
    }

    /// Every run of learnt tokens, in order: the model turns.
    static func replies(_ learn: UnsafeBufferPointer<UInt8>) -> [(start: Int, end: Int)] {
        var runs: [(start: Int, end: Int)] = []
        var i = 0
        while i < learn.count {
            guard learn[i] != 0 else { i += 1; continue }
            let start = i
            while i < learn.count && learn[i] != 0 { i += 1 }
            runs.append((start, i))
        }
        return runs
    }

    static func example(_ spec: ExampleSpec, document tokens: UnsafeBufferPointer<Int32>, learn: UnsafeBufferPointer<UInt8>,
                        special: SpecialTokens, encoderDecoder: Bool) -> TrainingExample {
        if encoderDecoder {
            let replyStart = Int(spec.split)
            var replyEnd = replyStart
            while replyEnd < learn.count && learn[replyEnd] != 0 { replyEnd += 1 }
            let keep = Int(spec.encoderLength)
            // tokens[0] is <bos>; keep it and the newest keep-1 prompt tokens.
            let encoder = keep == replyStart ? Array(tokens[0..<replyStart])
                : [tokens[0]] + Array(tokens[(replyStart - keep + 1)..<replyStart])
            let labels = Array((Array(tokens[replyStart..<replyEnd]) + [special.eos]).prefix(Int(spec.decoderLength)))
            return TrainingExample(encoder: encoder, tokens: labels, learnFrom: 0)
        }
        let n = Int(spec.decoderLength)
        return TrainingExample(tokens: Array(tokens[0..<n]), learn: (0..<n).map { $0 > 0 && learn[$0] != 0 })
    }
}
