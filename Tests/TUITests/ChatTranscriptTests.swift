import Testing
@testable import TUI

@Suite struct ChatTranscriptTests {
    func transcript() -> ChatTranscript {
        var t = ChatTranscript()
        t.setItems([
            TranscriptItem(id: 1, role: .user, header: "You", text: "Hello 你好", footer: nil, glyphs: .unicode),
            TranscriptItem(id: 2, role: .assistant, header: "model", text: "# Title\nsome **bold** text",
                           footer: StyledLine("TTFT 3 ms · 12 tok"), glyphs: .unicode),
        ])
        return t
    }

    @Test func laysOutHeadersGutteredBodiesFootersAndGaps() {
        var t = transcript()
        #expect(t.layout(width: 40) == 3 + 5)  // header, 1 body line, gap; header, 2 body lines, footer, gap
        let lines = (0..<8).map { t.line($0).plainText }
        #expect(lines == ["You", "▌ Hello 你好", "", "model", "▌ Title", "▌ some bold text", "  TTFT 3 ms · 12 tok", ""])
        #expect(t.lineRange(ofItem: 1) == 3..<8)
    }

    @Test func streamingAppendsRewrapOnlyTheMessageAndSelectionMarksIt() {
        var t = transcript()
        _ = t.layout(width: 12)
        t.append(" and a long streamed tail", to: 2)
        let count = t.layout(width: 12)
        // The footer is wider than 12 columns: it wraps at its " · " gap (the stop reason, last, stays visible).
        #expect([t.line(count - 3).plainText, t.line(count - 2).plainText] == ["  TTFT 3 ms", "  12 tok"])
        #expect((0..<count).map { t.line($0).plainText }.joined(separator: "|").contains("streamed"))
        t.selectedItem = 0
        #expect(t.line(0).plainText == "▶ You")
        #expect(t.line(0).spans.first?.style.role == .selection)
    }

    @Test func copyModeMarksOnlyTheChosenCodeBlock() {
        let text = "Two blocks:\n```swift\nlet a = 1\n```\nbetween\n~~~\nb\n~~~\nafter\n```\nstill streaming"
        var t = ChatTranscript()
        t.setItems([TranscriptItem(id: 1, role: .assistant, header: "model", text: text, footer: nil, glyphs: .unicode)])
        let count = t.layout(width: 40)
        t.selectedItem = 0
        func gutters() -> [String] { (1..<count - 1).map { String(t.line($0).plainText.prefix(1)) } }
        #expect(gutters() == Array(repeating: "▌", count: 11))  // the whole message
        // Source lines: text, fence, code, fence, text, fence, code, fence, text, fence, streaming code.
        t.selectedCodeBlock = 1
        #expect(gutters() == ["▌", "▌", "▌", "▌", "▌", "┃", "┃", "┃", "▌", "▌", "▌"])
        #expect(t.line(6).spans.first?.style.role == .selection)
        t.selectedCodeBlock = 2  // the block still streaming (no closing fence yet)
        #expect(gutters() == ["▌", "▌", "▌", "▌", "▌", "▌", "▌", "▌", "▌", "┃", "┃"])
        #expect(CodeBlocks.extract(text).count == 3)
        t.selectedCodeBlock = 0
        #expect(gutters() == ["▌", "┃", "┃", "┃", "▌", "▌", "▌", "▌", "▌", "▌", "▌"])
    }
}
