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
                name: .quick, dataMegabytes: 2, evalPerTask: 10, vocabulary: 1024,
                small: shape(hidden: 64, intermediate: 192, layers: 2, heads: 4, kvHeads: 2, headDim: 16),
                large: shape(hidden: 128, intermediate: 384, layers: 3, heads: 4, kvHeads: 2, headDim: 32),
                sequenceLength: 128, sftTargetLength: 64, batch: 4, pretrainSteps: 750, continuedSteps: 200, crossAttentionWarmup: 40,
                sftSteps: 300, learningRate: 2e-3, sftLearningRate: 1e-3, distillWeight: 0.5, defaultSeeds: 2,
                maxReplyTokens: 48, probeTrain: 200, probeTest: 100, probeTasks: ["statement", "older"],
                benchPromptTokens: 128, benchTokens: 32, benchRuns: 3,
                rationale: """
                The quick budget is a smoke test of a real run in a few minutes on 2 cores (under 10): S is 64 wide with 2 \
                layers (about 0.16M parameters with a 1k vocabulary) and L 128 wide with 3 (about 0.7M), pretrained on \
                about 0.4M tokens. That is far too little for the models to learn most tasks, and 10 items per task give \
                wide intervals: read its claims as a check of the pipeline, not as evidence.
                """)
        case .full:
            return ExperimentBudget(
                name: .full, dataMegabytes: 16, evalPerTask: 30, vocabulary: 2048,
                small: shape(hidden: 128, intermediate: 384, layers: 4, heads: 4, kvHeads: 2, headDim: 32),
                large: shape(hidden: 192, intermediate: 576, layers: 6, heads: 4, kvHeads: 2, headDim: 48),
                sequenceLength: 256, sftTargetLength: 64, batch: 8, pretrainSteps: 2000, continuedSteps: 300, crossAttentionWarmup: 60,
                sftSteps: 400, learningRate: 1e-3, sftLearningRate: 5e-4, distillWeight: 0.5, defaultSeeds: 3,
                maxReplyTokens: 64, probeTrain: 400, probeTest: 200, probeTasks: ["statement", "older"],
                benchPromptTokens: 128, benchTokens: 32, benchRuns: 5,
                rationale: """
                The full budget is sized for at most 2.5 hours on 2 cores with 3 SFT seeds for every arm. S is 128 wide with \
                4 layers (about 1.05M parameters with a 2k vocabulary) and L 192 wide with 6 (about 3.05M), so that L-S has \
                an encoder with 3.4× the non-embedding parameters of S's while its decoder is S's (the paper's 9B-2B is \
                4.5×). Measured with `duet bench train` on the quiet 2-core AMD EPYC machine (release build, 8×256-token \
                batches; real runs are about 20% slower, data and bookkeeping included): S at 7.9k tokens/s, Duet's 256-wide \
                `mini` at 2.5k (too slow for L here: its pretraining alone took 41 minutes), S-S at 0.64 s per continued step \
                and 0.29 s per SFT step (64 target tokens), L-S (256-wide encoder) at 1.26 and 0.99 s. Pretraining 2000 steps \
                (4.1M tokens each: S about 11 min, L about 20), continued pretraining of 6 arms (300 steps, about 20 min) and \
                SFT of 6 arms × 3 seeds (400 steps, about 50 min) take about 1 h 40 min; the greedy evaluations (270 \
                held-out and 270 robustness items per SFT run), probes and benchmarks add about 20 min. The first sizing \
                (L 256 wide, 3000/500/700 steps, 40 items per task) was estimated on a faster machine and measured at about \
                3.8 hours here, so it was cut to this one. Models this small, trained this briefly, learn only part of the \
                tasks: read the claims with the intervals beside them.
                """)
        }
    }
}
