/// Prefix language modelling: the model reads a prefix and learns the continuation (reference §1.3).
///
/// A document is cut into windows; each window is split by `PrefixSplit` into prefix and target.
/// - Encoder-decoder: encoder = `<bos>` prefix; labels = target (+ `<eos>` where the window ends its
///   document). Windows hold at most `encoderLength - 1` prefix and `decoderLength - 1` target tokens.
/// - Decoder-only: one row `<bos>` prefix target (+ `<eos>`), loss on the target only (the fair
///   decoder-only baseline for the same split). Windows hold at most `rowLength - 2` tokens.
enum PrefixLMObjective {
    /// Room for prefix and target tokens.
    struct Budget: Equatable {
        /// Encoder-decoder limits, or nil for decoder-only.
        var maxPrefix: Int?
        var maxTarget: Int?
        /// Decoder-only: prefix + target tokens per row.
        var maxTotal: Int?

        static func encoderDecoder(encoderLength: Int, decoderLength: Int) -> Budget {
            Budget(maxPrefix: encoderLength - 1, maxTarget: decoderLength - 1, maxTotal: nil)
        }

        static func decoderOnly(rowLength: Int) -> Budget {
            Budget(maxPrefix: nil, maxTarget: nil, maxTotal: rowLength - 2)
        }

        var isEncoderDecoder: Bool { maxTotal == nil }

        /// The longest window whose split at `fraction` fits.
        func window(fraction f: Double) -> Int {
            if let total = maxTotal { return max(1, total) }
            let byPrefix = f > 0 ? Double(maxPrefix!) / f : .infinity
            let byTarget = Double(maxTarget!) / (1 - f)
            return max(1, Int(min(byPrefix, byTarget).rounded(.down)))
        }

        /// The prefix length of a `window`-token window split at `fraction`: at least one target token,
        /// both parts within their limits.
        func prefixLength(window: Int, fraction f: Double) -> Int {
            var p = Int((f * Double(window)).rounded())
            p = min(p, window - 1)
            if let maxPrefix { p = min(p, maxPrefix) }
            if let maxTarget { p = max(p, window - maxTarget) }
            return max(0, p)
        }
    }

    static func plan(_ doc: DocumentInfo, split: PrefixSplit, budget: Budget, random: inout DataRandom) -> [ExampleSpec] {
        var specs: [ExampleSpec] = []
        var start = 0
        while start < doc.count {
            let f = split.fraction(&random)
            let length = min(budget.window(fraction: f), doc.count - start)
            specs.append(spec(doc, start: start, length: length, prefix: budget.prefixLength(window: length, fraction: f), budget: budget))
            start += length
        }
        return specs
    }

    /// The spec of one window with its lengths filled in.
    static func spec(_ doc: DocumentInfo, start: Int, length: Int, prefix: Int, budget: Budget, denoiser: UInt8 = 0) -> ExampleSpec {
        let eos = doc.endsDocument && start + length == doc.count
        var s = ExampleSpec(kind: .prefix, document: Int32(doc.index), start: Int32(start), length: Int32(length),
                            split: Int32(prefix), denoiser: denoiser, appendsEOS: eos)
        let target = length - prefix + (eos ? 1 : 0)
        if budget.isEncoderDecoder {
            s.encoderLength = Int32(1 + prefix)
            s.decoderLength = Int32(target)
        } else {
            s.decoderLength = Int32(1 + prefix + target)
        }
        return s
    }

    static func example(_ spec: ExampleSpec, document tokens: UnsafeBufferPointer<Int32>, special: SpecialTokens,
                        encoderDecoder: Bool) -> TrainingExample {
        let start = Int(spec.start), mid = start + Int(spec.split), end = start + Int(spec.length)
        let prefix = Array(tokens[start..<mid])
        let target = Array(tokens[mid..<end]) + (spec.appendsEOS ? [special.eos] : [])
        if encoderDecoder {
            return TrainingExample(encoder: [special.bos] + prefix, tokens: target, learnFrom: 0)
        }
        return TrainingExample(tokens: [special.bos] + prefix + target, learnFrom: 1 + prefix.count)
    }
}
