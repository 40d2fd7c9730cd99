/// A paired comparison of two arms after the same SFT: a claim of the paper or an ablation.
struct ReplicationComparison: Sendable, Equatable {
    var id: String
    var a: ReplicationArm
    var b: ReplicationArm

    static let balancedVsDecoder = ReplicationComparison(id: "SS-vs-dec", a: .balanced, b: .decoderOnly)
    static let unbalancedVsBalanced = ReplicationComparison(id: "LS-vs-SS", a: .unbalanced, b: .balanced)
    static let ul2VsPrefixLM = ReplicationComparison(id: "ul2-vs-prefixlm", a: .balancedUL2, b: .balanced)
    static let distillVsNone = ReplicationComparison(id: "distill-vs-none", a: .balancedDistilled, b: .balanced)
    static let warmupVsNone = ReplicationComparison(id: "warmup-vs-none", a: .unbalanced, b: .unbalancedNoWarmup)
    static let all = [balancedVsDecoder, unbalancedVsBalanced, ul2VsPrefixLM, distillVsNone, warmupVsNone]
}
