/// UL2's mixture of denoisers over plain text (reference §1.3): every window of a document draws a
/// denoiser; span-corruption denoisers (R, X) corrupt it with `SpanCorruption`, prefix denoisers (S)
/// split it as `PrefixLMObjective` does. No mode tokens are added (T5Gemma documents none).
/// Decoder-only: input and target share one row, loss on the target.
struct UL2Objective {
    let mixture: UL2Mixture
    let budget: PrefixLMObjective.Budget
    /// Per denoiser: the longest window of a span-corruption denoiser (nil for prefix denoisers).
    let windows: [Int?]
    let sentinelCount: Int

    /// Throws when a span-corruption denoiser cannot fit even a 2-token window into the lengths.
    init(mixture: UL2Mixture, budget: PrefixLMObjective.Budget, sentinelCount: Int) throws {
        self.mixture = mixture
        self.budget = budget
        self.sentinelCount = sentinelCount
        windows = try mixture.denoisers.map { d in
            guard case let .spanCorruption(mu, r) = d.task else { return nil }
            guard d.weight > 0 else { return 2 }
            let fits: (Int, Int) -> Bool = { input, target in
                if let total = budget.maxTotal { return input + target <= total + 2 }
                return input <= budget.maxPrefix! + 1 && target <= budget.maxTarget! + 1
            }
            guard let w = SpanCorruption.maxWindow(meanSpanLength: mu, corruption: r, sentinels: sentinelCount, fits: fits) else {
                throw DataError.invalidOption(name: "ul2.\(d.name)",
                                              reason: sentinelCount == 0 ? "span corruption needs sentinel tokens"
                                                  : "the sequence lengths are too short for span corruption")
            }
            return w
        }
    }

    func plan(_ doc: DocumentInfo, random: inout DataRandom) -> [ExampleSpec] {
        var specs: [ExampleSpec] = []
        var start = 0
        while start < doc.count {
            let d = mixture.draw(&random)
            let remaining = doc.count - start
            switch mixture.denoisers[d].task {
            case let .spanCorruption(mu, r) where remaining >= 2:
                let n = min(windows[d]!, remaining)
                let c = SpanCorruption.counts(length: n, meanSpanLength: mu, corruption: r, maxSpans: sentinelCount, random: &random)
                let lengths = SpanCorruption.lengths(length: n, noise: c.noise, spans: c.spans)
                var s = ExampleSpec(kind: .spanCorruption, document: Int32(doc.index), start: Int32(start), length: Int32(n),
                                    split: Int32(c.noise), spans: Int32(c.spans), denoiser: UInt8(d), seed: random.next())
                if budget.isEncoderDecoder {
                    s.encoderLength = Int32(lengths.input)
                    s.decoderLength = Int32(lengths.target)
                } else {
                    s.decoderLength = Int32(lengths.input + lengths.target)
                }
                specs.append(s)
                start += n
            case .spanCorruption:
                // A single trailing token cannot be corrupted: learn it as a prefix-LM target.
                specs.append(PrefixLMObjective.spec(doc, start: start, length: 1, prefix: 0, budget: budget, denoiser: UInt8(d)))
                start += 1
            case let .prefix(split):
                let f = split.fraction(&random)
                let n = min(budget.window(fraction: f), remaining)
                specs.append(PrefixLMObjective.spec(doc, start: start, length: n, prefix: budget.prefixLength(window: n, fraction: f),
                                                    budget: budget, denoiser: UInt8(d)))
                start += n
            }
        }
        return specs
    }

    /// Span-corruption examples (prefix ones are built by `PrefixLMObjective.example`).
    static func spanExample(_ spec: ExampleSpec, document tokens: UnsafeBufferPointer<Int32>, special: SpecialTokens,
                            encoderDecoder: Bool) -> TrainingExample {
        var random = DataRandom(seed: spec.seed)
        let n = Int(spec.length)
        let mask = SpanCorruption.noiseMask(length: n, noise: Int(spec.split), spans: Int(spec.spans), random: &random)
        let window = Array(tokens[Int(spec.start)..<Int(spec.start) + n])
        let (input, target) = SpanCorruption.corrupt(window[...], mask: mask, special: special)
        if encoderDecoder {
            return TrainingExample(encoder: input, tokens: target, learnFrom: 0)
        }
        return TrainingExample(tokens: input + target, learnFrom: input.count)
    }
}
