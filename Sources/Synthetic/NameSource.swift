/// Where passage and task generators get proper names: the training `NameGenerator`, or the robustness
/// set's `RobustNameGenerator`, whose names the training data never contains. The passage builders take
/// any source, so the robustness set reuses them unchanged.
public protocol NameSource {
    /// A name not handed out before (by this source, since its last reset).
    mutating func next(_ rng: inout SynthRandom) -> String
}

extension NameSource {
    /// `count` fresh names.
    public mutating func next(_ count: Int, _ rng: inout SynthRandom) -> [String] {
        (0..<count).map { _ in next(&rng) }
    }
}
