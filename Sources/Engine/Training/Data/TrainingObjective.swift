/// What a model learns from the training data (t5gemma-reference §1.3-§1.4).
public enum TrainingObjective: String, Sendable, Codable, CaseIterable {
    /// Causal language modelling: predict every next token of plain text.
    case clm
    /// Prefix language modelling: read a prefix, learn the continuation. Encoder-decoder: the prefix
    /// goes to the encoder; decoder-only: the same split in one row, loss on the continuation only.
    case prefixlm
    /// UL2's mixture of denoisers: span corruption (R, X) and prefix LM (S) over plain text.
    case ul2
    /// Supervised fine-tuning on conversations rendered with the chat template; loss on model turns.
    case sft

    /// Whether the objective reads conversations rather than plain text.
    public var readsConversations: Bool { self == .sft }
}
