import ArgumentParser
import Engine

/// How big and how long a mini-replication is: data, model shapes, steps per phase, evaluation sizes.
/// Every arm of one budget gets the same continued-pretraining and SFT budget, so the comparisons are fair.
struct ExperimentBudget: Sendable, Equatable {
    /// The named budgets `--budget` accepts.
    enum Name: String, ExpressibleByArgument, CaseIterable, Sendable {
        /// Seconds with the debug build: the end-to-end test of the plumbing (the numbers mean nothing).
        case test
        /// A few minutes on 2 cores: a smoke test of a real run.
        case quick
        /// At most about 2.5 hours on 2 cores, 3 SFT seeds: the headline comparisons.
        case full
    }

    var name: Name
    /// `duet data synth --size-mb`.
    var dataMegabytes: Double
    /// Held-out and robustness items per task type.
    var evalPerTask: Int
    /// `duet tokenizer train --vocab-size`.
    var vocabulary: Int
    /// The small decoder-only source S (its decoder is every encoder-decoder's decoder).
    var small: Gemma2Config
    /// The large decoder-only source L (the L-S encoder).
    var large: Gemma2Config
    var sequenceLength: Int
    /// Decoder row length of encoder-decoder SFT (the prompt goes to the encoder).
    var sftTargetLength: Int
    var batch: Int
    var pretrainSteps: Int
    var continuedSteps: Int
    /// L-S trains its random cross-attention alone for this many of its continued steps.
    var crossAttentionWarmup: Int
    var sftSteps: Int
    var learningRate: Double
    var sftLearningRate: Double
    /// Weight of the distillation arm's soft-target loss (the recipe's `DISTILL_WEIGHT`).
    var distillWeight: Double
    var defaultSeeds: Int
    var maxReplyTokens: Int
    var probeTrain: Int
    var probeTest: Int
    var probeTasks: [String]
    var benchPromptTokens: Int
    var benchTokens: Int
    var benchRuns: Int
    /// Why the sizes are what they are (printed in the report).
    var rationale: String

    /// A Gemma 2 shape; the vocabulary is set from the trained tokenizer later.
    static func shape(hidden: Int, intermediate: Int, layers: Int, heads: Int, kvHeads: Int, headDim: Int) -> Gemma2Config {
        Gemma2Config(vocabSize: 512, hiddenSize: hidden, intermediateSize: intermediate, numLayers: layers, numHeads: heads,
                     numKVHeads: kvHeads, headDim: headDim, queryPreAttnScalar: Float(headDim), slidingWindow: 128)
    }

    static func named(_ name: Name) -> ExperimentBudget {
        switch name {
        case .test:
            return ExperimentBudget(
                name: .test, dataMegabytes: 0.05, evalPerTask: 1, vocabulary: 512,
                small: shape(hidden: 32, intermediate: 64, layers: 1, heads: 2, kvHeads: 1, headDim: 16),
                large: shape(hidden: 48, intermediate: 96, layers: 2, heads: 2, kvHeads: 1, headDim: 16),
                sequenceLength: 32, sftTargetLength: 16, batch: 2, pretrainSteps: 6, continuedSteps: 4, crossAttentionWarmup: 2,
                sftSteps: 2, learningRate: 1e-3, sftLearningRate: 5e-4, distillWeight: 0.5, defaultSeeds: 2,
                maxReplyTokens: 4, probeTrain: 8, probeTest: 8, probeTasks: ["statement"],
                benchPromptTokens: 8, benchTokens: 4, benchRuns: 1,
                rationale: "The test budget checks the plumbing in seconds: models of a few thousand parameters and a handful of steps. Its numbers mean nothing.")
        case .quick:
            return ExperimentBudget(
                name: .quick, dataMegabytes: 1, evalPerTask: 8, vocabulary: 1024,
                small: shape(hidden: 64, intermediate: 192, layers: 2, heads: 4, kvHeads: 2, headDim: 16),
                large: shape(hidden: 128, intermediate: 384, layers: 3, heads: 4, kvHeads: 2, headDim: 32),
                sequenceLength: 128, sftTargetLength: 64, batch: 4, pretrainSteps: 150, continuedSteps: 40, crossAttentionWarmup: 10,
                sftSteps: 60, learningRate: 2e-3, sftLearningRate: 1e-3, distillWeight: 0.5, defaultSeeds: 2,
                maxReplyTokens: 48, probeTrain: 160, probeTest: 100, probeTasks: ["statement", "older"],
                benchPromptTokens: 128, benchTokens: 32, benchRuns: 3,
                rationale: "The quick budget is a smoke test of a real run in under 10 minutes on 2 cores: S is 64 wide with 2 layers and L 128 wide with 3, trained for a few hundred thousand tokens, far too little for the models to learn the tasks; expect chance-level numbers and inconclusive claims.")
        case .full:
            return ExperimentBudget(
                name: .full, dataMegabytes: 8, evalPerTask: 40, vocabulary: 2048,
                small: shape(hidden: 128, intermediate: 384, layers: 4, heads: 4, kvHeads: 2, headDim: 32),
                large: shape(hidden: 256, intermediate: 768, layers: 6, heads: 4, kvHeads: 2, headDim: 64),
                sequenceLength: 256, sftTargetLength: 64, batch: 8, pretrainSteps: 1500, continuedSteps: 300, crossAttentionWarmup: 60,
                sftSteps: 400, learningRate: 1e-3, sftLearningRate: 5e-4, distillWeight: 0.5, defaultSeeds: 3,
                maxReplyTokens: 64, probeTrain: 400, probeTest: 200, probeTasks: ["statement", "older"],
                benchPromptTokens: 128, benchTokens: 32, benchRuns: 5,
                rationale: """
                The full budget is sized for about 2.5 hours on 2 cores with 3 SFT seeds. S (128 wide, 4 layers, about 0.9M \
                parameters with a 2k vocabulary) is small enough that 5 arms × 3 seeds of SFT and their evaluations fit; L \
                (256 wide, 6 layers, Duet's `mini` shape, about 5M parameters) is the largest encoder whose pretraining \
                (1500 steps of 8×256 tokens, about 3M tokens) fits beside them. The default recipe's mini models took 2 hours \
                for one pair with 4000 pretraining steps; here pretraining is shorter and most of the time goes to the 15 \
                SFT runs and their greedy evaluations. Estimated from the recipe's measured throughput, not yet run end to end.
                """)
        }
    }
}
