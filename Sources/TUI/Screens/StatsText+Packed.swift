import DuetCLI

/// The chat and compare footers' statistics line packed to a width, in the UI's styled text.
extension StatsText {
    /// `line`'s " · "-separated parts packed into lines of at most `width` columns, each starting with
    /// one space, so "decode 12.3 tok/s" stays whole and the stop reason, which comes last, is never cut
    /// off; a part wider than a line is word-wrapped on its own. Each part keeps its styles (a chat
    /// footer's "stopped" stands out from its numbers). Used under compare columns and chat replies.
    static func packed(_ line: StyledLine, width: Int) -> [StyledLine] {
        let width = max(1, width)
        // Each part with the style of the " · " before it (nil for the first).
        var parts: [(line: StyledLine, gap: Style?)] = [(StyledLine(), nil)]
        for span in line.spans {
            for (i, piece) in span.text.components(separatedBy: " · ").enumerated() {
                if i > 0 { parts.append((StyledLine(), span.style)) }
                parts[parts.count - 1].line.append(piece, span.style)
            }
        }
        parts = parts.map { (trimmed($0.line), $0.gap) }.filter { !$0.line.spans.isEmpty }
        guard let lead = parts.first?.line.spans.first?.style else { return [] }
        var lines: [StyledLine] = []
        var current = StyledLine()
        for part in parts {
            if !current.spans.isEmpty, current.width + 3 + part.line.width <= width {
                current.append(" · ", part.gap ?? lead)
            } else {
                if !current.spans.isEmpty { lines.append(current) }
                current = StyledLine(" ", lead)
            }
            for span in part.line.spans { current.append(span.text, span.style) }
        }
        lines.append(current)
        return lines.flatMap { TextWrapper().wrap($0, width: width, continuationPrefix: StyledLine(" ", lead)) }
    }

    /// `line` without spaces at its ends.
    private static func trimmed(_ line: StyledLine) -> StyledLine {
        var spans = line.spans
        while let first = spans.first, first.text.hasPrefix(" ") {
            let text = String(first.text.drop { $0 == " " })
            if text.isEmpty { spans.removeFirst() } else { spans[0] = Span(text, first.style) }
        }
        while let last = spans.last, last.text.hasSuffix(" ") {
            let text = String(last.text.reversed().drop { $0 == " " }.reversed())
            if text.isEmpty { spans.removeLast() } else { spans[spans.count - 1] = Span(text, last.style) }
        }
        return StyledLine(spans)
    }
}
