import Testing
@testable import TUI

@Suite struct TextWrapperTests {
    let wrapper = TextWrapper()

    func plain(_ lines: [StyledLine]) -> [String] { lines.map(\.plainText) }

    @Test func wrapsAtSpacesByWidth() {
        #expect(plain(wrapper.wrap("the quick brown fox jumps", width: 10)) == ["the quick", "brown fox", "jumps"])
    }

    @Test func emptyLineStaysOneLine() {
        #expect(plain(wrapper.wrap(StyledLine(), width: 10)) == [""])
    }

    @Test func longWordIsCutAtTheLastFittingCluster() {
        #expect(plain(wrapper.wrap("abcdefghijkl xy", width: 5)) == ["abcde", "fghij", "kl xy"])
    }

    @Test func wideCharactersCountTwoColumnsAndAreNeverSplit() {
        let lines = plain(wrapper.wrap("你好世界你好", width: 5))
        #expect(lines == ["你好", "世界", "你好"])
        for line in lines { #expect(DisplayWidth.of(line) <= 5) }
        #expect(plain(wrapper.wrap("ab 👨‍👩‍👧 cd", width: 4)) == ["ab", "👨‍👩‍👧", "cd"])
    }

    @Test func combiningMarksDoNotTakeColumns() {
        #expect(plain(wrapper.wrap("cafe\u{301} cafe\u{301}", width: 4)) == ["café", "café"])
    }

    @Test func stylesSurviveTheWrap() {
        let line = StyledLine([Span("bold words ", Style(.normal, .bold)), Span("code here", Style(.code))])
        let wrapped = wrapper.wrap(line, width: 12)
        #expect(plain(wrapped) == ["bold words", "code here"])
        #expect(wrapped[0].spans == [Span("bold words", Style(.normal, .bold))])
        #expect(wrapped[1].spans == [Span("code here", Style(.code))])
    }

    @Test func prefixesGiveAHangingIndent() {
        let wrapped = wrapper.wrap("one two three four", width: 10, firstPrefix: "• ", continuationPrefix: "  ")
        #expect(plain(wrapped) == ["• one two", "  three", "  four"])
    }

    @Test func tabsExpandToStops() {
        #expect(plain(wrapper.wrap("a\tb", width: 20)) == ["a   b"])
    }

    @Test func noLineIsWiderThanTheWidth() {
        let text = "Lorem ipsum 你好 dolor 😀 sit amet, consectetur 🇯🇵 adipiscing elit, sed do eiusmod tempor"
        for width in 1...30 {
            for line in wrapper.wrap(text, width: width) { #expect(line.width <= max(width, 2)) }
        }
    }
}
