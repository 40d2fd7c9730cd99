import Foundation
import Testing
@testable import Engine
@testable import Tokenizers

/// UL2 span corruption: sentinels, reconstruction, and the configured statistics.
@Suite struct SpanCorruptionTests {
    static let special = ObjectiveTests.special

    /// Puts each span of `target` back in place of its sentinel in `input` (dropping `<bos>`/`<eos>`).
    static func reconstruct(input: [TokenID], target: [TokenID], special: SpecialTokens) -> [TokenID]? {
        var spans: [TokenID: [TokenID]] = [:]
        var current: TokenID? = nil
        for t in target.dropLast() {
            if special.sentinels.contains(t) { current = t; spans[t] = [] } else if let c = current { spans[c]!.append(t) } else { return nil }
        }
        guard target.last == special.eos, input.first == special.bos else { return nil }
        return input.dropFirst().flatMap { special.sentinels.contains($0) ? (spans[$0] ?? [-1]) : [$0] }
    }

    @Test func randomSegmentationCoversAllItemsInPositiveRuns() {
        var random = DataRandom(seed: 3)
        for (items, segments) in [(1, 1), (10, 1), (10, 10), (100, 7), (57, 13)] {
            for _ in 0..<50 {
                let runs = SpanCorruption.randomSegmentation(items: items, segments: segments, random: &random)
                #expect(runs.count == segments && runs.reduce(0, +) == items && runs.allSatisfy { $0 >= 1 })
            }
        }
    }

    @Test func sentinelsReplaceSpansInOrderAndTheTargetRebuildsTheText() {
        var random = DataRandom(seed: 5)
        let tokens = ObjectiveTests.document(60)
        for _ in 0..<200 {
            let c = SpanCorruption.counts(length: 60, meanSpanLength: 3, corruption: 0.3, maxSpans: 20, random: &random)
            let mask = SpanCorruption.noiseMask(length: 60, noise: c.noise, spans: c.spans, random: &random)
            #expect(mask.filter { $0 }.count == c.noise)
            #expect(mask.first == false && mask.last == true)
            let (input, target) = SpanCorruption.corrupt(tokens[...], mask: mask, special: Self.special)
            #expect(input.count == 1 + 60 - c.noise + c.spans && target.count == c.noise + c.spans + 1)
            // Sentinels appear in order 0, 1, ... in both, once each.
            let inputSentinels = input.filter { Self.special.sentinels.contains($0) }
            #expect(inputSentinels == Array(Self.special.sentinels.prefix(c.spans)))
            #expect(target.filter { Self.special.sentinels.contains($0) } == inputSentinels)
            #expect(target.first == Self.special.sentinels[0])
            // Each sentinel stands exactly where its span was.
            var k = 0
            for (i, noise) in mask.enumerated() where noise && (i == 0 || !mask[i - 1]) {
                let before = mask[..<i].filter { !$0 }.count
                #expect(input[1 + before + k] == Self.special.sentinels[k])
                k += 1
            }
            #expect(Self.reconstruct(input: input, target: target, special: Self.special) == tokens)
        }
    }

    @Test func maxWindowFitsEveryDraw() throws {
        let fits: (Int, Int) -> Bool = { $0 <= 64 && $1 <= 32 }
        let n = try #require(SpanCorruption.maxWindow(meanSpanLength: 3, corruption: 0.5, sentinels: 12, fits: fits))
        var random = DataRandom(seed: 1)
        for _ in 0..<2000 {
            let c = SpanCorruption.counts(length: n, meanSpanLength: 3, corruption: 0.5, maxSpans: 12, random: &random)
            let l = SpanCorruption.lengths(length: n, noise: c.noise, spans: c.spans)
            #expect(l.input <= 64 && l.target <= 32)
        }
        // With 12 sentinels, μ=3 at 50% allows about 72 tokens; the target (noise + spans + 1 <= 32) binds first.
        #expect(n >= 36 && n <= 50)
        #expect(SpanCorruption.maxWindow(meanSpanLength: 3, corruption: 0.5, sentinels: 0, fits: fits) == nil)
        #expect(SpanCorruption.maxWindow(meanSpanLength: 3, corruption: 0.5, sentinels: 12, fits: { $0 + $1 <= 4 }) == nil)
    }

    /// Over 10,000 windows planned by UL2 for each span denoiser of the T5Gemma 2 mixture, the
    /// corruption rate and the mean span length are within 5% of the configuration.
    @Test func spanStatisticsMatchTheConfiguredDenoisers() throws {
        let budget = PrefixLMObjective.Budget.encoderDecoder(encoderLength: 256, decoderLength: 256)
        for denoiser in UL2Mixture.t5Gemma2.denoisers {
            guard case let .spanCorruption(mu, r) = denoiser.task else { continue }
            let ul2 = try UL2Objective(mixture: UL2Mixture(denoisers: [denoiser]), budget: budget, sentinelCount: 99)
            var random = DataRandom(seed: 42)
            var samples = 0, tokens = 0, noise = 0, spans = 0
            var document = 0
            while samples < 10_000 {
                let doc = DocumentInfo(index: document, count: 4096, startsDocument: true, endsDocument: true)
                // (A document's last window may be a single token, learnt as prefix LM.)
                for spec in ul2.plan(doc, random: &random) where samples < 10_000 && spec.kind == .spanCorruption {
                    #expect(spec.encoderLength <= 256 && spec.decoderLength <= 256)
                    tokens += Int(spec.length)
                    noise += Int(spec.split)
                    spans += Int(spec.spans)
                    if samples % 25 == 0 {
                        // The mask realises the planned counts exactly (checked on a sample; debug builds are slow).
                        var maskRandom = DataRandom(seed: spec.seed)
                        let mask = SpanCorruption.noiseMask(length: Int(spec.length), noise: Int(spec.split), spans: Int(spec.spans),
                                                            random: &maskRandom)
                        #expect(mask.filter { $0 }.count == Int(spec.split))
                        #expect(zip(mask, [false] + mask).filter { $0 && !$1 }.count == Int(spec.spans))
                    }
                    samples += 1
                }
                document += 1
            }
            let rate = Double(noise) / Double(tokens), meanSpan = Double(noise) / Double(spans)
            #expect(abs(rate - r) / r < 0.05, "\(denoiser.name): corruption \(rate) vs \(r)")
            #expect(abs(meanSpan - mu) / mu < 0.05, "\(denoiser.name): mean span \(meanSpan) vs \(mu)")
        }
    }

    @Test func ul2DrawsDenoisersByWeight() throws {
        let budget = PrefixLMObjective.Budget.decoderOnly(rowLength: 128)
        let ul2 = try UL2Objective(mixture: .t5Gemma2, budget: budget, sentinelCount: 12)
        var random = DataRandom(seed: 7)
        var counts = [Int](repeating: 0, count: 5)
        for d in 0..<400 {
            for spec in ul2.plan(DocumentInfo(index: d, count: 1000, startsDocument: true, endsDocument: true), random: &random) {
                counts[Int(spec.denoiser)] += 1
                #expect(spec.decoderLength <= 128)
            }
        }
        let total = Double(counts.reduce(0, +))
        // Weights 1:1:1:1:4 -> S is drawn half the time (windows differ in length, draws do not).
        #expect(abs(Double(counts[4]) / total - 0.5) < 0.03)
        for k in 0..<4 { #expect(abs(Double(counts[k]) / total - 0.125) < 0.03) }
    }

    @Test func ul2DecoderOnlyRowLearnsOnlyTheTarget() throws {
        let budget = PrefixLMObjective.Budget.decoderOnly(rowLength: 64)
        let mixture = UL2Mixture(denoisers: [UL2Denoiser(name: "R", task: .spanCorruption(meanSpanLength: 3, corruption: 0.15), weight: 1)])
        let ul2 = try UL2Objective(mixture: mixture, budget: budget, sentinelCount: 20)
        var random = DataRandom(seed: 1)
        let tokens = ObjectiveTests.document(300)
        let specs = ul2.plan(DocumentInfo(index: 0, count: 300, startsDocument: true, endsDocument: true), random: &random)
        #expect(specs.reduce(0) { $0 + Int($1.length) } == 300)
        for spec in specs {
            let e = tokens.withUnsafeBufferPointer { UL2Objective.spanExample(spec, document: $0, special: Self.special, encoderDecoder: false) }
            #expect(e.tokens.count == Int(spec.decoderLength) && e.tokens.count <= 64)
            let firstLearnt = try #require(e.learn.firstIndex(of: true))
            #expect(e.tokens[firstLearnt] == Self.special.sentinels[0])
            #expect(e.learn[firstLearnt...].allSatisfy { $0 } && e.tokens.last == Self.special.eos)
            let input = Array(e.tokens[..<firstLearnt]), target = Array(e.tokens[firstLearnt...])
            let window = Array(tokens[Int(spec.start)..<Int(spec.start + spec.length)])
            #expect(Self.reconstruct(input: input, target: target, special: Self.special) == window)
        }
    }
}
