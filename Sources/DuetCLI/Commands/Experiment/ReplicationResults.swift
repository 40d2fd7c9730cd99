import Engine
import Foundation

/// Everything measured for one arm.
struct ArmResults {
    var arm: ReplicationArm
    /// Per-item outcomes of each seed's SFT model on the held-out set, seeds in order.
    var heldOut: [[(task: String, correct: Bool)]]
    var robustness: [[(task: String, correct: Bool)]]
    var probes: [ProbeResult]
    var bench: BenchFigures
    var parameters: Int
    var flopsPerToken: Double
    /// Token positions of this arm's whole lineage for one seed: pretraining (of both sources for L-S),
    /// continued pretraining, one SFT run.
    var trainingTokens: Double
    /// ≈ 6 × parameters × tokens per stage of the lineage (forward and backward), teacher forwards included.
    var trainingFLOPs: Double
    /// Wall time of this arm's own stages (continued pretraining and every seed's SFT), from their markers.
    var ownWallSeconds: Double

    /// Pooled over seeds: per-item outcomes of `task` ("overall": all).
    func pooled(_ runs: [[(task: String, correct: Bool)]], task: String = "overall") -> [Bool] {
        runs.flatMap { $0.filter { task == "overall" || $0.task == task }.map(\.correct) }
    }

    /// Accuracy of each seed on `task`.
    func perSeed(_ runs: [[(task: String, correct: Bool)]], task: String = "overall") -> [Double] {
        runs.map { run in
            let xs = run.filter { task == "overall" || $0.task == task }
            return xs.isEmpty ? 0 : Double(xs.filter(\.correct).count) / Double(xs.count)
        }
    }
}

/// Loads what the stages wrote, for the report and the plots.
enum ReplicationResults {
    static func load(plan: ReplicationPlan) throws -> [ArmResults] {
        let layout = plan.layout, b = plan.budget
        func outcomes(_ path: String) throws -> [(task: String, correct: Bool)] {
            guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("missing \(path)") }
            return try PairedComparison.outcomes(ofReport: data, file: path)
        }
        func parameters(_ shape: Gemma2Config, vocabulary: Int) -> Double {
            var c = shape
            c.vocabSize = vocabulary
            return Double(WeightLayout.expectedShapes(.gemma2(c)).reduce(0) { $0 + $1.shape.reduce(1, *) })
        }
        guard case let .gemma2(source) = try ModelConfigFile.load(directory: URL(fileURLWithPath: plan.sourceModel("S"))) else {
            throw CommandFailure("\(plan.sourceModel("S")) is not a decoder-only model")
        }
        let vocabulary = source.vocabSize
        let small = parameters(b.small, vocabulary: vocabulary), large = parameters(b.large, vocabulary: vocabulary)
        let batch = Double(b.batch), seq = Double(b.sequenceLength)
        let pretrainTokens = Double(b.pretrainSteps) * batch * seq
        return try ReplicationArm.all.map { arm in
            let loaded = try openModel(plan.sftModel(arm, seed: plan.firstSeed))
            let total = Double(loaded.model.parameterCount)
            // Encoder-decoders: encoder rows of --seq-len, decoder rows of the target length (PrefixLM and
            // UL2 default it to --seq-len); the encoder is the source's size, the decoder the rest.
            let encoder = arm.family == .unbalanced ? large : small
            var tokens = pretrainTokens, flops = 6 * small * pretrainTokens
            if arm.family == .unbalanced {
                tokens += pretrainTokens
                flops += 6 * large * pretrainTokens
            }
            func stage(steps: Int, target: Double) {
                let rows = Double(steps) * batch
                if arm.isEncoderDecoder {
                    tokens += rows * (seq + target)
                    flops += 6 * rows * (encoder * seq + (total - encoder) * target)
                } else {
                    tokens += rows * seq
                    flops += 6 * total * rows * seq
                }
            }
            stage(steps: b.continuedSteps, target: seq)
            if arm.distilled { flops += 2 * small * Double(b.continuedSteps) * batch * seq }
            stage(steps: b.sftSteps, target: Double(b.sftTargetLength))
            let ownStages = ["continued-\(arm.id)"] + plan.seeds.map { "sft-\(arm.id)-seed\($0)" }
            let wall = ownStages.compactMap { StageMarker.read(layout.marker($0))?.seconds }.reduce(0, +)
            let benchPath = layout.bench(arm)
            return ArmResults(
                arm: arm,
                heldOut: try plan.seeds.map { try outcomes(layout.evalReport(arm, seed: $0, set: "heldout")) },
                robustness: try plan.seeds.map { try outcomes(layout.evalReport(arm, seed: $0, set: "robustness")) },
                probes: try b.probeTasks.map { try ProbeResult.load(layout.probe(arm, task: $0)) },
                bench: try BenchFigures.parse((try? String(contentsOfFile: benchPath, encoding: .utf8)) ?? "", file: benchPath),
                parameters: loaded.model.parameterCount,
                flopsPerToken: loaded.model.flopsPerGeneratedToken(promptTokens: b.benchPromptTokens, generatedTokens: b.benchTokens),
                trainingTokens: tokens, trainingFLOPs: flops, ownWallSeconds: wall)
        }
    }
}
