/// The tied LM head shared by Gemma 2 and T5Gemma's decoder: `logits = h · Eᵀ`, then the final
/// soft-cap `tanh(logits / cap) * cap`.
enum LanguageModelHead {
    /// Logits `[rows, V]` of final-normed hidden rows `h` `[rows, d]`.
    static func forward(_ h: UnsafePointer<Float>, rows: Int, table: Tensor, softCap: Float?,
                        into logits: UnsafeMutablePointer<Float>) {
        Linear.forward(h, rows: rows, weight: table, into: logits)
        if let softCap { SoftCap.forward(logits, count: rows * table.shape[0], cap: softCap, into: logits) }
    }

    /// Rows whose target is not ignored (-100).
    static func countTargets(_ targets: UnsafePointer<Int32>, rows: Int) -> Int {
        var c = 0
        for r in 0..<rows where targets[r] != -100 { c += 1 }
        return c
    }
}
