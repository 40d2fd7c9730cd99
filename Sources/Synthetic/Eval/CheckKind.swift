/// How a model's reply is compared with the expected answer (the `check` field of eval.jsonl).
public enum CheckKind: String, Sendable, Codable, CaseIterable {
    /// The same text after trimming and collapsing runs of whitespace; case and punctuation count
    /// (copying, capitalising, ciphers).
    case exact
    /// The same words ignoring case, a trailing period and a leading article ("The lake." = "lake");
    /// for short answers taken from a passage.
    case caseless
    /// The last integer in the reply equals the expected integer ("12", "The answer is 12.").
    case number
    /// The same items in the same order, ignoring case; items separated by commas (or by spaces when
    /// there is no comma), an "and" before the last item allowed.
    case list
}
