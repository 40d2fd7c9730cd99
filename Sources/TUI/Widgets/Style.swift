/// What a piece of text *is*; the `Theme` decides how it looks at the terminal's colour depth.
/// Widgets and screens speak only in roles, so a theme or a monochrome terminal never needs code changes.
public enum StyleRole: UInt8, CaseIterable, Hashable {
    case normal, dim, accent, title, border
    case statusBar, statusKey, statusDim
    case selection, tabActive, tabInactive
    case heading, code, codeBlock, codeFence, quote, listMarker
    case notice, warning, error, success
    case overlay, overlayBorder, overlayTitle, matchHighlight
    case marker, progressFill, progressEmpty
    case input, inputPlaceholder, cursor
    /// Chart series colours, in the order runs are given them (stable per run id).
    case series1, series2, series3, series4, series5, series6

    /// The chart colours, in order.
    public static let series: [StyleRole] = [.series1, .series2, .series3, .series4, .series5, .series6]
}

/// Attributes that combine with a role's own (bold inside a heading, italic inside code...).
public struct TextAttributes: OptionSet, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = TextAttributes(rawValue: 1)
    public static let italic = TextAttributes(rawValue: 2)
    public static let underline = TextAttributes(rawValue: 4)
    public static let reverse = TextAttributes(rawValue: 8)
    public static let dim = TextAttributes(rawValue: 16)
}

/// A role plus extra attributes: the style of one cell.
public struct Style: Hashable {
    public var role: StyleRole
    public var attributes: TextAttributes

    public init(_ role: StyleRole = .normal, _ attributes: TextAttributes = []) {
        self.role = role
        self.attributes = attributes
    }

    public static let normal = Style()

    /// This style with `extra` attributes added.
    public func adding(_ extra: TextAttributes) -> Style { Style(role, attributes.union(extra)) }
}

/// A run of text in one style.
public struct Span: Hashable {
    public var text: String
    public var style: Style

    public init(_ text: String, _ style: Style = .normal) {
        self.text = text
        self.style = style
    }

    public init(_ text: String, _ role: StyleRole, _ attributes: TextAttributes = []) {
        self.init(text, Style(role, attributes))
    }
}

/// One line of styled text (no newlines inside).
public struct StyledLine: Hashable, ExpressibleByStringLiteral {
    public var spans: [Span]

    public init(_ spans: [Span] = []) { self.spans = spans }
    public init(_ text: String, _ style: Style = .normal) { self.spans = text.isEmpty ? [] : [Span(text, style)] }
    public init(stringLiteral value: String) { self.init(value) }

    /// The text without styles.
    public var plainText: String { spans.map(\.text).joined() }
    /// Display width in columns.
    public var width: Int { spans.reduce(0) { $0 + DisplayWidth.of($1.text) } }

    public mutating func append(_ text: String, _ style: Style = .normal) {
        guard !text.isEmpty else { return }
        if let last = spans.last, last.style == style {
            spans[spans.count - 1].text += text
        } else {
            spans.append(Span(text, style))
        }
    }
}
