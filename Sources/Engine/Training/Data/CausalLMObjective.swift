import Tokenizers
/// Causal language modelling (decoder-only): every token of `<bos>` document `<eos>` is predicted
/// from the ones before it.
///
/// A document framed as `<bos> d0 d1 ... <eos>` (`<bos>` only where the source document begins,
/// `<eos>` only where it ends) is cut into rows of at most `rowLength` tokens that overlap by one:
/// row k covers frame positions `k(L-1) ..< k(L-1) + L`. The first token of each row is context
/// (predicted at the end of the previous row, or `<bos>`), so every frame token after the first is
/// learnt exactly once.
enum CausalLMObjective {
    static func plan(_ doc: DocumentInfo, rowLength: Int) -> [ExampleSpec] {
        precondition(rowLength >= 2)
        let frame = doc.count + (doc.startsDocument ? 1 : 0) + (doc.endsDocument ? 1 : 0)
        var specs: [ExampleSpec] = []
        var start = 0
        while start + 1 < frame {
            let length = min(rowLength, frame - start)
            specs.append(ExampleSpec(kind: .causal, document: Int32(doc.index), start: Int32(start), length: Int32(length),
                                     decoderLength: Int32(length)))
            start += rowLength - 1
        }
        return specs
    }

    static func example(_ spec: ExampleSpec, document tokens: UnsafeBufferPointer<Int32>, startsDocument: Bool,
                        endsDocument: Bool, special: SpecialTokens) -> TrainingExample {
        let lead = startsDocument ? 1 : 0
        var row: [TokenID] = []
        row.reserveCapacity(Int(spec.length))
        for f in Int(spec.start)..<Int(spec.start + spec.length) {
            if startsDocument && f == 0 {
                row.append(special.bos)
            } else if f - lead < tokens.count {
                row.append(tokens[f - lead])
            } else {
                precondition(endsDocument && f - lead == tokens.count)
                row.append(special.eos)
            }
        }
        return TrainingExample(tokens: row, learnFrom: 1)
    }
}
