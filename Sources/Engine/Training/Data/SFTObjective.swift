/// Supervised fine-tuning on conversations (`ConversationTokens`).
/// - Decoder-only: the whole conversation in one row, loss on every model turn (text and
///   `<end_of_turn>`); conversations longer than the row are cut at the row's end.
/// - Encoder-decoder: the encoder reads the conversation up to the generation prompt of the last
///   model turn (`...<start_of_turn>model\n`; the oldest tokens after `<bos>` are dropped if it is too
///   long); the decoder learns that turn, its `<end_of_turn>`, and `<eos>` (cut to the decoder length).
enum SFTObjective {
    /// One spec per conversation, or none when nothing learnable fits.
    static func plan(_ doc: DocumentInfo, learn: UnsafeBufferPointer<UInt8>, encoderLength: Int?, decoderLength: Int) -> [ExampleSpec] {
        let n = doc.count
        var spec = ExampleSpec(kind: .conversation, document: Int32(doc.index), start: 0, length: Int32(n))
        if let encoderLength {
            let (replyStart, replyEnd) = lastReply(learn)
            guard replyEnd > replyStart else { return [] }
            spec.split = Int32(replyStart)
            spec.encoderLength = Int32(min(replyStart, encoderLength))
            spec.decoderLength = Int32(min(replyEnd - replyStart + 1, decoderLength))
        } else {
            let kept = min(n, decoderLength)
            // Token 0 is <bos>, never learnt; something after it must be.
            guard (1..<kept).contains(where: { learn[$0] != 0 }) else { return [] }
            spec.decoderLength = Int32(kept)
        }
        return [spec]
    }

    /// The last run of learnt tokens: the final model turn.
    static func lastReply(_ learn: UnsafeBufferPointer<UInt8>) -> (start: Int, end: Int) {
        var end = learn.count
        while end > 0 && learn[end - 1] == 0 { end -= 1 }
        var start = end
        while start > 0 && learn[start - 1] != 0 { start -= 1 }
        return (start, end)
    }

    static func example(_ spec: ExampleSpec, document tokens: UnsafeBufferPointer<Int32>, learn: UnsafeBufferPointer<UInt8>,
                        special: SpecialTokens, encoderDecoder: Bool) -> TrainingExample {
        if encoderDecoder {
            let replyStart = Int(spec.split)
            let (_, replyEnd) = lastReply(learn)
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
