import Testing
@testable import TUI

@Suite struct ThemeTests {
    @Test func colourDepthDetection() {
        #expect(ColorDepth.detect(hasColors: true, colors: 256, environment: [:]) == .palette256)
        #expect(ColorDepth.detect(hasColors: true, colors: 0x100_0000, environment: [:]) == .trueColor)
        #expect(ColorDepth.detect(hasColors: true, colors: 16, environment: [:]) == .ansi16)
        #expect(ColorDepth.detect(hasColors: true, colors: 8, environment: [:]) == .ansi8)
        #expect(ColorDepth.detect(hasColors: false, colors: 0, environment: [:]) == .monochrome)
        #expect(ColorDepth.detect(hasColors: true, colors: 256, environment: ["NO_COLOR": "1"]) == .monochrome)
        #expect(ColorDepth.detect(hasColors: true, colors: 256, environment: ["DUET_COLORS": "16"]) == .ansi16)
        // A request cannot exceed what the terminal has.
        #expect(ColorDepth.detect(hasColors: true, colors: 8, environment: ["DUET_COLORS": "truecolor"]) == .ansi8)
    }

    @Test func nearest256() {
        #expect(ThemeColor.nearest256(0, 0, 0) == 16)
        #expect(ThemeColor.nearest256(255, 255, 255) == 231)
        #expect(ThemeColor.nearest256(0x5F, 0xD7, 0xD7) == 80)  // exact cube colour
        #expect(ThemeColor.nearest256(0x80, 0x80, 0x80) == 244)  // grey ramp: 8 + 10*12 = 128
        #expect(ThemeColor.nearest256(0xFF, 0x00, 0x00) == 196)
    }

    @Test func colourIndexPerDepth() {
        let c = ThemeColor(0x123456, ansi: 12)
        #expect(c.index(for: .trueColor) == 0x123456)
        #expect(c.index(for: .ansi16) == 12)
        #expect(c.index(for: .ansi8) == 4)
        #expect(ThemeColor(0x808080, ansi: 8).index(for: .ansi8) == 7)
    }

    @Test func everyRoleHasALookThatDiffersInMonochromeWhereItMatters() {
        for role in StyleRole.allCases { #expect(Theme.standard.looks[role] != nil, "\(role)") }
        #expect(Theme.standard.look(.selection).monochrome.contains(.reverse))
        #expect(Theme.standard.look(.statusBar).monochrome.contains(.reverse))
    }

    @Test func localeCodesets() {
        #expect(TerminalLocale.isUTF8(codeset: "UTF-8"))
        #expect(TerminalLocale.isUTF8(codeset: "utf8"))
        #expect(!TerminalLocale.isUTF8(codeset: "ANSI_X3.4-1968"))
        #expect(!TerminalLocale.isUTF8(codeset: "ISO-8859-1"))
        #expect(TerminalLocale.glyphs(isUTF8: false, environment: [:]) == .ascii)
        #expect(TerminalLocale.glyphs(isUTF8: true, environment: ["DUET_ASCII": "1"]) == .ascii)
        #expect(TerminalLocale.glyphs(isUTF8: true, environment: [:]) == .unicode)
    }

    @Test func residentMemoryParsing() {
        #expect(ProcessStats.parseStatm("1000 250 100 1 0 200 0\n", pageSize: 4096) == 1_024_000)
        #expect(ProcessStats.parseStatm("garbage", pageSize: 4096) == nil)
        #expect(ProcessStats.residentBytes().map { $0 > 0 } == true)
        #expect(ProcessStats.formatBytes(23 * 1024 * 1024 + 400 * 1024) == "23.4 MiB")
    }
}
