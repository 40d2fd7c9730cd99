/// A user phrasing of the robustness set: fixed wording with `{slot}` placeholders
/// ("Could you tell me what {a} plus {b} is?").
///
/// The phrasings are data rather than string interpolations so that their fixed wording can be read
/// back (`literals`): a test holds every template's wording against the training data, which must never
/// use it. A slot name is lowercase letters between braces; nothing else in a template is special.
public struct RobustTemplate: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// One piece of a template: fixed text, or the name of a slot to fill.
    enum Piece: Sendable, Hashable {
        case literal(String)
        case slot(String)
    }

    /// The template as written.
    public let text: String
    let pieces: [Piece]

    public init(_ text: String) {
        self.text = text
        pieces = Self.parse(text)
    }

    public init(stringLiteral value: String) { self.init(value) }

    public var description: String { text }

    /// The fixed wording between the slots, in order ("Could you tell me what ", " plus ", " is?").
    public var literals: [String] {
        pieces.compactMap { if case let .literal(text) = $0 { text } else { nil } }
    }

    /// The slot names, in order of appearance.
    public var slots: [String] {
        pieces.compactMap { if case let .slot(name) = $0 { name } else { nil } }
    }

    /// The template with every slot replaced by its value. A slot without a value is a bug in the
    /// generator using the template, not bad input, so it stops the program.
    public func render(_ values: [String: String]) -> String {
        pieces.map { piece in
            switch piece {
            case let .literal(text): return text
            case let .slot(name):
                guard let value = values[name] else { preconditionFailure("no value for {\(name)} in \"\(text)\"") }
                return value
            }
        }.joined()
    }

    /// Splits `text` at `{name}` placeholders; a brace that does not open a well-formed slot is literal.
    static func parse(_ text: String) -> [Piece] {
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            literal += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}"),
                  case let name = rest[afterOpen..<close], !name.isEmpty,
                  name.allSatisfy({ $0.isASCII && $0.isLowercase }) else {
                literal.append("{")
                rest = rest[afterOpen...]
                continue
            }
            if !literal.isEmpty { pieces.append(.literal(literal)) }
            literal = ""
            pieces.append(.slot(String(name)))
            rest = rest[rest.index(after: close)...]
        }
        literal += rest
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return pieces
    }
}

extension SynthRandom {
    /// One of `templates`, rendered with `values`.
    mutating func render(_ templates: [RobustTemplate], _ values: [String: String]) -> String {
        pick(templates).render(values)
    }
}
