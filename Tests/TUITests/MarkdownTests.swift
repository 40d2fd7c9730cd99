import Testing
@testable import TUI

@Suite struct MarkdownTests {
    func render(_ text: String, width: Int = 40) -> [StyledLine] {
        var doc = MarkdownDocument(glyphs: .unicode, text: text)
        let n = doc.layout(width: width)
        return (0..<n).map { doc.line($0) }
    }

    func spans(_ text: String, open: Bool = false) -> [Span] { MarkdownInline.parse(text, base: .normal, isOpen: open) }

    @Test func inlineBoldItalicCode() {
        #expect(spans("a **b** c") == [Span("a "), Span("b", Style(.normal, .bold)), Span(" c")])
        #expect(spans("*it* and _it_") == [Span("it", Style(.normal, .italic)), Span(" and "), Span("it", Style(.normal, .italic))])
        #expect(spans("run `ls -l` now") == [Span("run "), Span("ls -l", Style(.code)), Span(" now")])
        #expect(spans("**bold *both***") == [Span("bold ", Style(.normal, .bold)), Span("both", Style(.normal, [.bold, .italic]))])
    }

    @Test func literalMarkersStayLiteral() {
        #expect(spans("snake_case_name") == [Span("snake_case_name")])
        #expect(spans("2 * 3 * 4") == [Span("2 * 3 * 4")])
        #expect(spans("a ** b") == [Span("a ** b")])
        #expect(spans("\\*not italic\\*") == [Span("*not italic*")])
        #expect(spans("`code with **stars**`") == [Span("code with **stars**", Style(.code))])
        #expect(spans("unclosed **bold") == [Span("unclosed **bold")])
    }

    @Test func openLineStylesUnclosedMarkersProvisionally() {
        #expect(spans("so **bol", open: true) == [Span("so "), Span("bol", Style(.normal, .bold))])
        #expect(spans("x `co", open: true) == [Span("x "), Span("co", Style(.code))])
    }

    @Test func blocks() {
        let lines = render("# Title\n## Sub\n- one\n- two\n1. first\n> quoted\n---\nplain")
        #expect(lines.map(\.plainText) == ["Title", "Sub", "• one", "• two", "1. first", "▎ quoted",
                                           String(repeating: "─", count: 40), "plain"])
        #expect(lines[0].spans[0].style == Style(.heading, [.bold, .underline]))
        #expect(lines[1].spans[0].style == Style(.heading, .bold))
        #expect(lines[2].spans[0].style == Style(.listMarker))
    }

    @Test func fencedCodeBlockIsStyledAndNotParsedInline() {
        let lines = render("```swift\nlet **x** = 1\n```\nafter")
        #expect(lines.map(\.plainText) == ["── swift", "│ let **x** = 1", String(repeating: "─", count: 40), "after"])
        #expect(lines[1].spans.last == Span("let **x** = 1", Style(.codeBlock)))
        #expect(lines[3].spans == [Span("after")])
    }

    @Test func listItemsWrapWithHangingIndent() {
        #expect(render("- alpha beta gamma delta", width: 12).map(\.plainText) == ["• alpha beta", "  gamma", "  delta"])
    }

    /// Streaming in any split gives the same result as the whole text at once.
    @Test func streamingMatchesWholeText() {
        let text = "# Plan\nSome **bold** and `code`.\n```py\nprint('hi')\n```\n- item *one*\n- item two 你好\n"
        let whole = render(text, width: 20)
        for chunk in [1, 2, 3, 7, 13] {
            var doc = MarkdownDocument(glyphs: .unicode)
            var i = text.startIndex
            while i < text.endIndex {
                let j = text.index(i, offsetBy: chunk, limitedBy: text.endIndex) ?? text.endIndex
                doc.append(String(text[i..<j]))
                _ = doc.layout(width: 20)  // lay out between deltas, as the UI does every frame
                i = j
            }
            let n = doc.layout(width: 20)
            #expect((0..<n).map { doc.line($0) } == whole, "chunk \(chunk)")
        }
    }

    @Test func openFenceStylesStreamingCodeLive() {
        var doc = MarkdownDocument(glyphs: .unicode, text: "```\nfor i in")
        let n = doc.layout(width: 30)
        #expect(doc.line(n - 1).spans.last == Span("for i in", Style(.codeBlock)))
        #expect(doc.completedLineCount == 1)
    }

    @Test func relayoutOnWidthChange() {
        var doc = MarkdownDocument(glyphs: .unicode, text: "one two three four five six\n")
        #expect(doc.layout(width: 40) == 1)
        #expect(doc.layout(width: 10) == 3)
        #expect(doc.layout(width: 40) == 1)
    }
}
