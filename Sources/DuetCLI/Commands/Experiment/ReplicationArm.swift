/// One model line of the comparison: how its continued pretraining is done, before the same SFT as every other arm.
struct ReplicationArm: Sendable, Equatable, Hashable {
    enum Family: String, Sendable { case decoderOnly = "decoder-only", balanced = "S-S", unbalanced = "L-S" }

    /// File-name-safe identifier.
    var id: String
    /// Name in tables and plots.
    var label: String
    var family: Family
    /// `duet train --objective` of its continued pretraining.
    var objective: String
    /// Whether its continued pretraining also learns the decoder-only source's next-token distribution.
    var distilled: Bool
    /// L-S only: whether its random cross-attention trains alone for the first steps (the paper's recipe).
    var crossAttentionWarmup = false

    var isEncoderDecoder: Bool { family != .decoderOnly }

    /// The decoder-only source S with the same continued budget (decoder-only PrefixLM), the paper's baseline.
    static let decoderOnly = ReplicationArm(id: "dec-S", label: "decoder-only S", family: .decoderOnly, objective: "prefixlm", distilled: false)
    /// The balanced adaptation with PrefixLM: the headline S-S.
    static let balanced = ReplicationArm(id: "SS-prefixlm", label: "S-S PrefixLM", family: .balanced, objective: "prefixlm", distilled: false)
    /// The balanced adaptation with UL2 (the objective ablation).
    static let balancedUL2 = ReplicationArm(id: "SS-ul2", label: "S-S UL2", family: .balanced, objective: "ul2", distilled: false)
    /// The balanced adaptation with PrefixLM and distillation from S (the distillation ablation).
    static let balancedDistilled = ReplicationArm(id: "SS-prefixlm-distill", label: "S-S PrefixLM+distill", family: .balanced,
                                                  objective: "prefixlm", distilled: true)
    /// The unbalanced adaptation: L's encoder, S's decoder, random cross-attention warmed up first.
    static let unbalanced = ReplicationArm(id: "LS-prefixlm", label: "L-S PrefixLM", family: .unbalanced, objective: "prefixlm",
                                           distilled: false, crossAttentionWarmup: true)
    /// The same without the warm-up: everything trains from the first step (the warm-up ablation).
    static let unbalancedNoWarmup = ReplicationArm(id: "LS-prefixlm-nowarmup", label: "L-S PrefixLM, no warm-up", family: .unbalanced,
                                                   objective: "prefixlm", distilled: false, crossAttentionWarmup: false)

    /// Every arm, in table order.
    static let all: [ReplicationArm] = [decoderOnly, balanced, unbalanced, balancedUL2, balancedDistilled, unbalancedNoWarmup]
}
