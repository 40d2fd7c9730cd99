import Testing
@testable import TUI

@Suite struct DisplayWidthTests {
    @Test func asciiIsOneColumnAndControlsZero() {
        #expect(DisplayWidth.of("hello") == 5)
        #expect(DisplayWidth.of(Character("\u{07}")) == 0)
        #expect(DisplayWidth.of(Unicode.Scalar(0x9B)!) == 0)  // C1 control
    }

    @Test func cjkAndFullwidthAreTwo() {
        #expect(DisplayWidth.of("你好") == 4)
        #expect(DisplayWidth.of("한국어") == 6)
        #expect(DisplayWidth.of("ｶﾀｶﾅ") == 4)  // halfwidth katakana stays 1
        #expect(DisplayWidth.of("ＡＢ") == 4)  // fullwidth Latin
        #expect(DisplayWidth.of(Character("\u{3000}")) == 2)  // ideographic space
    }

    @Test func emojiAreTwoIncludingSequences() {
        #expect(DisplayWidth.of(Character("😀")) == 2)
        #expect(DisplayWidth.of(Character("👍🏽")) == 2)  // skin tone modifier joins the cluster
        #expect(DisplayWidth.of(Character("👨‍👩‍👧")) == 2)  // ZWJ family: one cluster
        #expect(DisplayWidth.of(Character("🇯🇵")) == 2)  // regional-indicator pair
        #expect(DisplayWidth.of(Character("❤️")) == 2)  // text-default heart + VS16
        #expect(DisplayWidth.of(Character("❤")) == 1)
        #expect(DisplayWidth.of("a👨‍👩‍👧b") == 4)
    }

    @Test func combiningMarksAndFormatCharactersAreZero() {
        #expect(DisplayWidth.of(Unicode.Scalar(0x301)!) == 0)
        #expect(DisplayWidth.of(Unicode.Scalar(0x200D)!) == 0)
        #expect(DisplayWidth.of(Unicode.Scalar(0xFE0F)!) == 0)
        #expect(DisplayWidth.of(Unicode.Scalar(0x200B)!) == 0)
        #expect(DisplayWidth.of(Unicode.Scalar(0xAD)!) == 1)  // soft hyphen is shown
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("Z\u{335}\u{31B}a\u{337}") == 2)  // zalgo stays two columns
        #expect(DisplayWidth.of("\u{1100}\u{1161}\u{11A8}") == 2)  // conjoining Hangul jamo: one syllable
    }

    @Test func prefixAndTruncation() {
        let (text, width) = DisplayWidth.prefix(of: "ab你好", fitting: 5)
        #expect(text == "ab你" && width == 4)  // 好 would need columns 5-6
        #expect(DisplayWidth.truncate("hello world", to: 8) == "hello w…")
        #expect(DisplayWidth.truncate("你好世界", to: 5) == "你好…")
        #expect(DisplayWidth.truncate("short", to: 8) == "short")
        #expect(DisplayWidth.truncateLeading("/home/me/.local/share/duet/duet.sqlite", to: 16) == "…uet/duet.sqlite")
        #expect(DisplayWidth.truncateLeading("ab你好", to: 4) == "…好")
    }

    @Test func tableIsSortedAndDisjoint() {
        for table in [DisplayWidthTable.zeroWidth, DisplayWidthTable.doubleWidth] {
            for (a, b) in zip(table, table.dropFirst()) { #expect(a.upperBound < b.lowerBound) }
        }
    }
}
