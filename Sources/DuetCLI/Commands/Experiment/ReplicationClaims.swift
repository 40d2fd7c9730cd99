import Engine

/// One line of the report's claims table: a claim or ablation, the measured difference, its interval and
/// the verdict derived from them.
struct ClaimLine: Sendable {
    var number: String
    var claim: String
    /// A − B in accuracy points.
    var difference: Double
    var interval: Bootstrap.Interval
    /// A's decode milliseconds per token over B's, when the claim is about latency.
    var latencyRatio: Double?
    var verdict: ClaimVerdict
    /// How the interval was computed.
    var method: String
}

/// Derives the paper's three claims and the ablations from the measured results.
enum ReplicationClaims {
    static func lines(_ results: [ArmResults], seeds: Int) throws -> [ClaimLine] {
        func arm(_ a: ReplicationArm) -> ArmResults { results.first { $0.arm == a }! }
        func paired(_ c: ReplicationComparison) throws -> PairedComparison.Row {
            try PairedComparison(a: arm(c.a).heldOut, b: arm(c.b).heldOut).rows.last!
        }
        let pooled = "paired bootstrap over held-out items, \(seeds) SFT seed\(seeds == 1 ? "" : "s") pooled"
        var lines: [ClaimLine] = []
        let one = try paired(.balancedVsDecoder)
        lines.append(ClaimLine(number: "1", claim: "S-S beats the decoder-only source S after the same SFT",
                               difference: one.difference * 100, interval: scaled(one.interval), latencyRatio: nil,
                               verdict: ClaimVerdict(difference: one.interval), method: pooled))
        let two = try paired(.unbalancedVsBalanced)
        let ratio = arm(.unbalanced).bench.decodeMillisecondsPerToken / arm(.balanced).bench.decodeMillisecondsPerToken
        lines.append(ClaimLine(number: "2", claim: "L-S beats S-S at about S-S decode latency",
                               difference: two.difference * 100, interval: scaled(two.interval), latencyRatio: ratio,
                               verdict: ClaimVerdict(difference: two.interval, latencyRatio: ratio),
                               method: pooled + "; \"about\": at most \(ClaimThresholds.aboutSameLatency)× S-S ms/token"))
        let three = probeDifference(arm(.balanced), arm(.decoderOnly))
        lines.append(ClaimLine(number: "3", claim: "S-S encoder representations beat the decoder-only model's in the probe",
                               difference: three.difference * 100, interval: scaled(three.interval), latencyRatio: nil,
                               verdict: ClaimVerdict(difference: three.interval),
                               method: "linear probe, held-out statements of every probe task pooled; \(three.method); the decoder-only model's better feature kind"))
        let ul2 = try paired(.ul2VsPrefixLM)
        lines.append(ClaimLine(number: "A1", claim: "UL2 beats PrefixLM (S-S, generation)", difference: ul2.difference * 100,
                               interval: scaled(ul2.interval), latencyRatio: nil, verdict: ClaimVerdict(difference: ul2.interval), method: pooled))
        let ul2Probe = probeDifference(arm(.balancedUL2), arm(.balanced))
        lines.append(ClaimLine(number: "A2", claim: "UL2 beats PrefixLM (S-S, probe)", difference: ul2Probe.difference * 100,
                               interval: scaled(ul2Probe.interval), latencyRatio: nil, verdict: ClaimVerdict(difference: ul2Probe.interval),
                               method: "linear probe, \(ul2Probe.method)"))
        let distill = try paired(.distillVsNone)
        lines.append(ClaimLine(number: "A3", claim: "distillation from S helps S-S PrefixLM", difference: distill.difference * 100,
                               interval: scaled(distill.interval), latencyRatio: nil, verdict: ClaimVerdict(difference: distill.interval),
                               method: pooled))
        let warmup = try paired(.warmupVsNone)
        lines.append(ClaimLine(number: "A4", claim: "cross-attention warm-up helps L-S PrefixLM", difference: warmup.difference * 100,
                               interval: scaled(warmup.interval), latencyRatio: nil, verdict: ClaimVerdict(difference: warmup.interval),
                               method: pooled))
        return lines
    }

    /// Probe accuracy of A minus B (each its best feature kind), every probe task pooled, with its
    /// interval: a paired bootstrap over the held-out statements (the same ones for every arm) when the
    /// probes recorded per-statement results, else a normal approximation of two proportions.
    static func probeDifference(_ a: ArmResults, _ b: ArmResults) -> (difference: Double, interval: Bootstrap.Interval, method: String) {
        let n = a.probes.map(\.test).reduce(0, +)
        func pooled(_ r: ArmResults) -> Double {
            n == 0 ? 0 : r.probes.map { $0.best * Double($0.test) }.reduce(0, +) / Double(n)
        }
        let pa = pooled(a), pb = pooled(b)
        let itemsA = a.probes.map(\.bestCorrect), itemsB = b.probes.map(\.bestCorrect)
        if !itemsA.contains(where: { $0 == nil }), !itemsB.contains(where: { $0 == nil }),
           zip(itemsA, itemsB).allSatisfy({ $0!.count == $1!.count }) {
            let x = itemsA.flatMap { $0! }, y = itemsB.flatMap { $0! }
            return (pa - pb, Bootstrap.pairedDifference(x, y), "paired bootstrap over statements")
        }
        return (pa - pb, proportionDifferenceInterval(pa, pb, n: n), "normal approximation")
    }

    private static func scaled(_ i: Bootstrap.Interval) -> Bootstrap.Interval { Bootstrap.Interval(low: i.low * 100, high: i.high * 100) }
}
