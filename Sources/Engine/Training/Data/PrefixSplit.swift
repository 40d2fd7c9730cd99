/// Where a sequence is split into the prefix (what the model reads) and the target (what it learns).
public enum PrefixSplit: Sendable, Codable, Equatable {
    /// Two equal halves, as in the T5Gemma paper's PrefixLM (§3.3).
    case half
    /// The prefix is this fraction of the sequence (0 < fraction < 1).
    case fixed(Double)
    /// The prefix fraction is drawn uniformly from `min...max` for every example.
    case random(min: Double, max: Double)

    /// The prefix fraction of one example.
    func fraction(_ random: inout DataRandom) -> Double {
        switch self {
        case .half: return 0.5
        case let .fixed(f): return f
        case let .random(lo, hi): return lo + (hi - lo) * random.unitDouble()
        }
    }

    /// Checks the fractions; `name` is the option's name in the error.
    func validate(_ name: String) throws {
        switch self {
        case .half: return
        case let .fixed(f):
            guard f > 0 && f < 1 else { throw DataError.invalidOption(name: name, reason: "fraction must be in (0, 1), got \(f)") }
        case let .random(lo, hi):
            guard lo > 0 && hi < 1 && lo <= hi else {
                throw DataError.invalidOption(name: name, reason: "random split needs 0 < min <= max < 1, got \(lo)...\(hi)")
            }
        }
    }
}
