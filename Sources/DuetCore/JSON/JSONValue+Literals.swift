/// Literals for building values in code: `["model": "/m", "steps": 1000, "tags": ["a", nil]]`.
/// A dictionary literal keeps its keys in the order written (a repeated key: the last value wins).
extension JSONValue: ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var members: [(String, JSONValue)] = []
        var position: [String: Int] = [:]
        for (key, value) in elements {
            if let i = position[key] { members[i].1 = value } else {
                position[key] = members.count
                members.append((key, value))
            }
        }
        self = .object(members)
    }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
}
