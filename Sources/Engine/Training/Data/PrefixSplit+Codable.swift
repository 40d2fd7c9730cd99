/// Readable JSON for run files and `duet runs show`: `"half"`, `{"fixed": 0.25}`,
/// `{"random": {"min": 0.2, "max": 0.8}}`. Files written before this form (Swift's synthesized
/// `{"fixed": {"_0": 0.25}}`, `{"half": {}}`) still read.
extension PrefixSplit {
    private enum Keys: String, CodingKey { case half, fixed, random }
    private enum RangeKeys: String, CodingKey { case min, max }
    private enum LegacyKeys: String, CodingKey { case value = "_0" }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let name = try? single.decode(String.self) {
            guard name == "half" else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown split \"\(name)\""))
            }
            self = .half
            return
        }
        let c = try decoder.container(keyedBy: Keys.self)
        if c.contains(.half) {
            self = .half
        } else if c.contains(.fixed) {
            if let fraction = try? c.decode(Double.self, forKey: .fixed) {
                self = .fixed(fraction)
            } else {
                self = .fixed(try c.nestedContainer(keyedBy: LegacyKeys.self, forKey: .fixed).decode(Double.self, forKey: .value))
            }
        } else if c.contains(.random) {
            let range = try c.nestedContainer(keyedBy: RangeKeys.self, forKey: .random)
            self = .random(min: try range.decode(Double.self, forKey: .min), max: try range.decode(Double.self, forKey: .max))
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected half, fixed or random"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .half:
            var single = encoder.singleValueContainer()
            try single.encode("half")
        case let .fixed(fraction):
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(fraction, forKey: .fixed)
        case let .random(min, max):
            var c = encoder.container(keyedBy: Keys.self)
            var range = c.nestedContainer(keyedBy: RangeKeys.self, forKey: .random)
            try range.encode(min, forKey: .min)
            try range.encode(max, forKey: .max)
        }
    }
}

/// `{"prefix": <split>}` (read also as the synthesized `{"prefix": {"_0": <split>}}`);
/// span corruption keeps its labelled form.
extension UL2Denoiser.Task {
    private enum Keys: String, CodingKey { case spanCorruption, prefix }
    private enum SpanKeys: String, CodingKey { case meanSpanLength, corruption }
    private enum LegacyKeys: String, CodingKey { case value = "_0" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        if c.contains(.prefix) {
            if let legacy = try? c.nestedContainer(keyedBy: LegacyKeys.self, forKey: .prefix), legacy.contains(.value) {
                self = .prefix(try legacy.decode(PrefixSplit.self, forKey: .value))
            } else {
                self = .prefix(try c.decode(PrefixSplit.self, forKey: .prefix))
            }
        } else {
            let span = try c.nestedContainer(keyedBy: SpanKeys.self, forKey: .spanCorruption)
            self = .spanCorruption(meanSpanLength: try span.decode(Double.self, forKey: .meanSpanLength),
                                   corruption: try span.decode(Double.self, forKey: .corruption))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case let .prefix(split):
            try c.encode(split, forKey: .prefix)
        case let .spanCorruption(meanSpanLength, corruption):
            var span = c.nestedContainer(keyedBy: SpanKeys.self, forKey: .spanCorruption)
            try span.encode(meanSpanLength, forKey: .meanSpanLength)
            try span.encode(corruption, forKey: .corruption)
        }
    }
}
