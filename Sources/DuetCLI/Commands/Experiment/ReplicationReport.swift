import Engine
import Foundation

/// `DIR/report.md`: the paper's table at mini scale, per-task accuracies, the claims with verdicts derived
/// from their intervals, and the plots.
enum ReplicationReport {
    static func markdown(plan: ReplicationPlan, results: [ArmResults], claims: [ClaimLine], plots: [String: String],
                         wallSeconds: Double) -> String {
        let b = plan.budget, seeds = plan.seeds
        var out: [String] = []
        out.append("# Mini-replication of \"Encoder-decoder Gemma\" (T5Gemma)")
        out.append("")
        out.append("Written by `duet experiment mini-replication` (budget `\(b.name.rawValue)`, \(seeds.count) SFT seed\(seeds.count == 1 ? "" : "s"): "
                   + "\(seeds.map(String.init).joined(separator: ", "))). Stages took " + duration(wallSeconds)
                   + " in total (the sum of the finished stages' recorded times; a stage resumed after an interruption counts its last attempt only). Every training run is in `\(plan.database)`.")
        out.append("")
        out.append("## Setup")
        out.append("")
        out.append(b.rationale)
        out.append("")
        out.append("- Data: `duet data synth` \(b.dataMegabytes) MB (seed 1), \(b.evalPerTask) held-out and \(b.evalPerTask) robustness items per task type; tokenizer BPE, vocabulary \(b.vocabulary).")
        out.append("- S: \(shape(b.small)); L: \(shape(b.large)). Both pretrained with CLM for \(b.pretrainSteps) steps of \(b.batch)×\(b.sequenceLength) tokens.")
        out.append("- S-S: `duet adapt --from S` (cross-attention copied). L-S: `duet adapt --from S --encoder-from L` (random cross-attention, trained alone for the first \(b.crossAttentionWarmup) continued steps: `--warmup-cross-attn`; the ablation arm \"L-S PrefixLM, no warm-up\" trains everything from the first step).")
        out.append("- Continued pretraining: \(b.continuedSteps) steps for every arm, the decoder-only source included (decoder-only PrefixLM). Distillation arm: `--distill-from S --distill-weight \(b.distillWeight)`.")
        out.append("- SFT: \(b.sftSteps) steps, learning rate \(b.sftLearningRate), the same data and batch for every arm and seed (the seed sets the data order); encoder-decoder reply rows of \(b.sftTargetLength) tokens. Only SFT varies by seed: data, tokenizer, pretraining and continued pretraining run once, with seed 1, so the spread over seeds is SFT's alone.")
        out.append("- Evaluation: greedy replies of at most \(b.maxReplyTokens) tokens, exact task checks. Probe: \(b.probeTrain) training and \(b.probeTest) held-out statements per task (\(b.probeTasks.joined(separator: ", "))) on the continued-pretraining models. Decode cost: `duet bench generate`, 1 thread, \(b.benchPromptTokens)-token prompt, \(b.benchTokens) tokens.")
        out.append("")
        out.append("## Results")
        out.append("")
        out.append("Held-out accuracy pooled over seeds with its 95% bootstrap interval over items; the spread is the seeds' overall accuracies (mean ± standard deviation, min–max). Probe: held-out accuracy of the best feature kind per task. Training tokens and compute are one seed's whole lineage (≈ 6 × parameters × tokens; L-S includes L's pretraining); wall time is the arm's own continued pretraining and SFT runs.")
        out.append("")
        out.append("| arm | parameters | held-out accuracy (95% CI) | over seeds | robustness (95% CI) | probe | decode tok/s | decode ms/token | encode ms | FLOPs/token | training tokens | training FLOPs | own wall time |")
        out.append("| --- | ---: | --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in results {
            let heldOut = r.pooled(r.heldOut), robustness = r.pooled(r.robustness)
            let probe = r.probes.map { "\($0.task) " + String(format: "%.1f%%", $0.best * 100) }.joined(separator: ", ")
            out.append("| \(r.arm.label) | \(r.parameters.formatted()) | \(accuracy(heldOut)) | \(spread(r.perSeed(r.heldOut))) | \(accuracy(robustness)) | \(probe) | "
                       + String(format: "%.1f | %.3f | ", r.bench.decodeTokensPerSecond, r.bench.decodeMillisecondsPerToken)
                       + (r.bench.encodeMilliseconds.map { String(format: "%.2f", $0) } ?? "–") + " | "
                       + "\(StatsText.flops(r.flopsPerToken)) | \(compact(r.trainingTokens)) | \(compact(r.trainingFLOPs)) | \(duration(r.ownWallSeconds)) |")
        }
        out.append("")
        out.append("### Held-out accuracy per task (95% CI over items, seeds pooled; ± the standard deviation over seeds)")
        out.append("")
        out.append("| task | " + results.map(\.arm.label).joined(separator: " | ") + " |")
        out.append("| --- |" + String(repeating: " --- |", count: results.count))
        var tasks: [String] = []
        for item in results.first?.heldOut.first ?? [] where !tasks.contains(item.task) { tasks.append(item.task) }
        for task in tasks {
            out.append("| \(task) | " + results.map { r in
                accuracy(r.pooled(r.heldOut, task: task)) + (seeds.count > 1 ? String(format: " ± %.1f", standardDeviation(r.perSeed(r.heldOut, task: task)) * 100) : "")
            }.joined(separator: " | ") + " |")
        }
        out.append("")
        out.append("### Probe accuracy by feature kind (held-out statements)")
        out.append("")
        out.append("| arm | task | features | accuracy | majority baseline |")
        out.append("| --- | --- | --- | ---: | ---: |")
        for r in results {
            for p in r.probes {
                for (name, value) in p.accuracy.sorted(by: { $0.key < $1.key }) {
                    out.append("| \(r.arm.label) | \(p.task) | \(name) | " + String(format: "%.1f%% | %.1f%% |", value * 100, p.majorityBaseline * 100))
                }
            }
        }
        out.append("")
        out.append("## Claims")
        out.append("")
        out.append("Each verdict is computed from the interval printed beside it: **holds** when the 95% interval of A − B lies above 0, **does not hold** when it lies below 0, **inconclusive (CI crosses 0)** otherwise. Claim 2 also needs L-S to decode within \(ClaimThresholds.aboutSameLatency)× S-S's milliseconds per token; an L-S that is better but slower than that does not hold either. Differences are in accuracy points.")
        out.append("")
        out.append("| # | claim (A beats B) | A − B | 95% CI | latency ratio A/B | verdict |")
        out.append("| --- | --- | ---: | --- | ---: | --- |")
        for c in claims {
            out.append("| \(c.number) | \(c.claim) | " + String(format: "%+.2f | %+.2f to %+.2f | ", c.difference, c.interval.low, c.interval.high)
                       + (c.latencyRatio.map { String(format: "%.2f", $0) } ?? "–") + " | **\(c.verdict.rawValue)** |")
        }
        out.append("")
        for c in claims {
            out.append("- **\(c.number). \(c.claim): \(c.verdict.rawValue).** " + String(format: "A − B = %+.2f points, 95%% CI %+.2f to %+.2f", c.difference, c.interval.low, c.interval.high)
                       + (c.latencyRatio.map { String(format: "; L-S decodes at %.2f× S-S's ms/token", $0) } ?? "") + " (\(c.method)).")
        }
        out.append("")
        out.append("The paired comparisons on both sets, as `duet eval diff` printed them, are in `eval/diff-*.txt`.")
        out.append("")
        out.append("## Plots")
        out.append("")
        for (title, file) in plots.sorted(by: { $0.value < $1.value }) {
            out.append("![\(title)](\(file))")
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    static func accuracy(_ outcomes: [Bool]) -> String {
        guard !outcomes.isEmpty else { return "–" }
        let ci = Bootstrap.accuracy(outcomes)
        return String(format: "%.1f%% (%.1f–%.1f)", Double(outcomes.filter { $0 }.count) / Double(outcomes.count) * 100, ci.low * 100, ci.high * 100)
    }

    static func spread(_ values: [Double]) -> String {
        guard values.count > 1 else { return values.first.map { String(format: "%.1f%% (one seed)", $0 * 100) } ?? "–" }
        return String(format: "%.1f ± %.1f (%.1f–%.1f)", mean(values) * 100, standardDeviation(values) * 100,
                      values.min()! * 100, values.max()! * 100)
    }

    static func mean(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }

    /// Sample standard deviation (n − 1); 0 for fewer than two values.
    static func standardDeviation(_ xs: [Double]) -> Double {
        guard xs.count > 1 else { return 0 }
        let m = mean(xs)
        return (xs.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(xs.count - 1)).squareRoot()
    }

    static func compact(_ x: Double) -> String {
        for (scale, suffix) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] where x >= scale {
            return String(format: "%.2f", x / scale) + suffix
        }
        return String(format: "%.0f", x)
    }

    static func duration(_ seconds: Double) -> String {
        seconds < 120 ? String(format: "%.1f s", seconds) : String(format: "%d min %02d s", Int(seconds) / 60, Int(seconds) % 60)
    }

    static func shape(_ c: Gemma2Config) -> String {
        "Gemma 2, \(c.numLayers) layers, width \(c.hiddenSize), MLP \(c.intermediateSize), \(c.numHeads) heads (\(c.numKVHeads) KV) of \(c.headDim)"
    }
}
