/// Word wrapping by display width (not by `String.count`): CJK and emoji take two columns, combining
/// marks none, and a grapheme cluster is never split. Breaks after spaces; a word longer than the line
/// is cut at the last cluster that fits.
public struct TextWrapper {
    /// Columns a tab advances to (the next multiple of this).
    public var tabWidth = 4

    public init(tabWidth: Int = 4) { self.tabWidth = tabWidth }

    /// Wraps `line` into lines of at most `width` columns. `firstPrefix` starts the first line and
    /// `continuationPrefix` the others (a list bullet and its hanging indent); both count toward `width`.
    public func wrap(_ line: StyledLine, width: Int, firstPrefix: StyledLine = StyledLine(),
                     continuationPrefix: StyledLine = StyledLine()) -> [StyledLine] {
        let glyphs = clusters(of: line)
        let firstWidth = firstPrefix.width, contWidth = continuationPrefix.width
        var result: [StyledLine] = []
        var start = 0
        var isFirst = true
        repeat {
            let prefixWidth = isFirst ? firstWidth : contWidth
            let room = max(1, width - prefixWidth)
            if !isFirst {
                while start < glyphs.count, glyphs[start].character == " " { start += 1 }
                if start == glyphs.count { break }  // only the spaces at a break were left
            }
            let end = breakIndex(glyphs, from: start, room: room)
            var out = isFirst ? firstPrefix : continuationPrefix
            var visibleEnd = end
            if end < glyphs.count { while visibleEnd > start, glyphs[visibleEnd - 1].character == " " { visibleEnd -= 1 } }
            appendGlyphs(glyphs[start..<visibleEnd], to: &out)
            result.append(out)
            start = end
            isFirst = false
        } while start < glyphs.count
        return result
    }

    /// Wraps plain text (which may contain newlines) in one style.
    public func wrap(_ text: String, width: Int, style: Style = .normal) -> [StyledLine] {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap {
            wrap(StyledLine(String($0), style), width: width)
        }
    }

    struct Glyph {
        var character: Character
        var style: Style
        var width: Int
    }

    /// The line as clusters with widths; tabs expanded to spaces, other zero-width clusters dropped.
    func clusters(of line: StyledLine) -> [Glyph] {
        var glyphs: [Glyph] = []
        var column = 0
        for span in line.spans {
            for character in span.text {
                if character == "\t" {
                    let n = tabWidth - column % tabWidth
                    for _ in 0..<n { glyphs.append(Glyph(character: " ", style: span.style, width: 1)) }
                    column += n
                    continue
                }
                let w = DisplayWidth.of(character)
                guard w > 0 else { continue }
                glyphs.append(Glyph(character: character, style: span.style, width: w))
                column += w
            }
        }
        return glyphs
    }

    /// End (exclusive) of the line that starts at `start` and holds at most `room` columns.
    private func breakIndex(_ glyphs: [Glyph], from start: Int, room: Int) -> Int {
        var used = 0
        var lastBreak = -1  // index just after the last space seen
        var i = start
        while i < glyphs.count {
            let g = glyphs[i]
            if used + g.width > room {
                if g.character == " " { return i }  // the overflow is a space: break right here
                if lastBreak > start { return lastBreak }
                return i > start ? i : i + 1  // a cluster wider than the room still makes progress
            }
            used += g.width
            i += 1
            if g.character == " " { lastBreak = i }
        }
        return glyphs.count
    }

    private func appendGlyphs(_ glyphs: ArraySlice<Glyph>, to line: inout StyledLine) {
        var run = ""
        var style: Style? = nil
        for g in glyphs {
            if g.style != style {
                if let s = style { line.append(run, s) }
                run = ""
                style = g.style
            }
            run.append(g.character)
        }
        if let s = style { line.append(run, s) }
    }
}
