/// One UL2 denoising task (Tay et al. 2022).
public struct UL2Denoiser: Sendable, Codable, Equatable {
    public enum Task: Sendable, Codable, Equatable {
        /// T5-style span corruption: about `corruption` of the tokens, in spans of mean length
        /// `meanSpanLength`, are replaced by sentinels in the input and spelled out in the target.
        case spanCorruption(meanSpanLength: Double, corruption: Double)
        /// Sequential denoising: prefix LM with the given split.
        case prefix(PrefixSplit)
    }

    /// A short name for logs ("R1", "X2", "S").
    public var name: String
    public var task: Task
    /// Relative sampling weight within the mixture.
    public var weight: Double

    public init(name: String, task: Task, weight: Double) {
        self.name = name
        self.task = task
        self.weight = weight
    }
}

/// A weighted mixture of UL2 denoisers; each training example draws one.
public struct UL2Mixture: Sendable, Codable, Equatable {
    public var denoisers: [UL2Denoiser]

    public init(denoisers: [UL2Denoiser]) {
        self.denoisers = denoisers
    }

    /// The T5Gemma 2 mixture (t5gemma-reference §1.3): R1 (μ=3, r=15%), R2 (μ=12, r=50%),
    /// X1 (μ=32, r=15%), X2 (μ=32, r=50%), S (prefix LM with 75% of the sequence as target),
    /// weighted 1:1:1:1:4.
    public static let t5Gemma2 = UL2Mixture(denoisers: [
        UL2Denoiser(name: "R1", task: .spanCorruption(meanSpanLength: 3, corruption: 0.15), weight: 1),
        UL2Denoiser(name: "R2", task: .spanCorruption(meanSpanLength: 12, corruption: 0.5), weight: 1),
        UL2Denoiser(name: "X1", task: .spanCorruption(meanSpanLength: 32, corruption: 0.15), weight: 1),
        UL2Denoiser(name: "X2", task: .spanCorruption(meanSpanLength: 32, corruption: 0.5), weight: 1),
        UL2Denoiser(name: "S", task: .prefix(.fixed(0.25)), weight: 4),
    ])

    /// The original UL2 mixture without mode tokens (Tay et al. 2022): R (μ=3, 8; r=15%),
    /// X (μ=3, 8 at r=50%; μ=64 at r=15% and 50%), S (prefix LM, 25% target), equal weights.
    public static let original = UL2Mixture(denoisers: [
        UL2Denoiser(name: "R1", task: .spanCorruption(meanSpanLength: 3, corruption: 0.15), weight: 1),
        UL2Denoiser(name: "R2", task: .spanCorruption(meanSpanLength: 8, corruption: 0.15), weight: 1),
        UL2Denoiser(name: "X1", task: .spanCorruption(meanSpanLength: 3, corruption: 0.5), weight: 1),
        UL2Denoiser(name: "X2", task: .spanCorruption(meanSpanLength: 8, corruption: 0.5), weight: 1),
        UL2Denoiser(name: "X3", task: .spanCorruption(meanSpanLength: 64, corruption: 0.15), weight: 1),
        UL2Denoiser(name: "X4", task: .spanCorruption(meanSpanLength: 64, corruption: 0.5), weight: 1),
        UL2Denoiser(name: "S", task: .prefix(.fixed(0.75)), weight: 1),
    ])

    /// Draws a denoiser index with probability proportional to its weight.
    func draw(_ random: inout DataRandom) -> Int {
        let total = denoisers.reduce(0) { $0 + $1.weight }
        var u = random.unitDouble() * total
        for (index, denoiser) in denoisers.enumerated() {
            u -= denoiser.weight
            if u < 0 { return index }
        }
        return denoisers.count - 1
    }

    func validate() throws {
        guard !denoisers.isEmpty else { throw DataError.invalidOption(name: "ul2", reason: "the mixture has no denoisers") }
        guard denoisers.count <= Int(UInt8.max) else {
            throw DataError.invalidOption(name: "ul2", reason: "at most \(UInt8.max) denoisers, got \(denoisers.count)")
        }
        for d in denoisers {
            guard d.weight >= 0 && d.weight.isFinite else {
                throw DataError.invalidOption(name: "ul2.\(d.name)", reason: "weight must be finite and non-negative, got \(d.weight)")
            }
            switch d.task {
            case let .spanCorruption(mu, r):
                guard mu >= 1 && mu.isFinite else {
                    throw DataError.invalidOption(name: "ul2.\(d.name)", reason: "mean span length must be at least 1, got \(mu)")
                }
                guard r > 0 && r < 1 else {
                    throw DataError.invalidOption(name: "ul2.\(d.name)", reason: "corruption rate must be in (0, 1), got \(r)")
                }
            case let .prefix(split):
                try split.validate("ul2.\(d.name)")
            }
        }
        guard denoisers.contains(where: { $0.weight > 0 }) else {
            throw DataError.invalidOption(name: "ul2", reason: "every denoiser has weight 0")
        }
    }
}
