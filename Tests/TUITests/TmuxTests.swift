import Foundation
import Testing

/// The real `duet` binary in a real terminal (tmux): what a user sees and types.
@Suite struct TmuxTests {
    /// Starts duet in a 100x30 window and waits for the first frame.
    func launch(cols: Int = 100, rows: Int = 30, home: String = temporaryDuetHome(), environment: String = "") -> Tmux {
        let t = Tmux()
        t.start(duetCommand(home: home, environment: environment), cols: cols, rows: rows)
        t.waitFor("F5 Models")
        return t
    }

    @Test func opensTheShell() {
        let t = launch()
        defer { t.stop() }
        let s = t.waitFor(all: ["mem ", " duet  F2 Chat   F3 Compare   F4 Train   F5 Models", "No model selected — press F5 to pick one.",
                                "model no model", "threads ", "db ", "F1 help ^P cmds ^Q quit",
                                "> Message (Enter sends, Alt+Enter new line)"])
        #expect(s.hasPrefix(" duet  F2 Chat   F3 Compare   F4 Train   F5 Models"))
        #expect(s.contains("No model selected — press F5 to pick one."))
        #expect(s.contains("model no model"))
        #expect(s.contains("threads "))
        #expect(s.contains("db "))
        #expect(s.contains("F1 help ^P cmds ^Q quit"))
        #expect(s.contains("> Message (Enter sends, Alt+Enter new line)"))
        let lines = s.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count >= 30)
    }

    @Test func helpOverlayOpensAndCloses() {
        let t = launch()
        defer { t.stop() }
        t.keys("F1")
        // Wait for every line asserted: the overlay can be caught half drawn.
        let s = t.waitFor(all: ["╭─ Keys: Chat", "Everywhere", "Ctrl+P, Alt+p"])
        #expect(s.contains("╭─ Keys: Chat"))
        #expect(s.contains("Everywhere"))
        #expect(s.contains("Ctrl+P, Alt+p"))
        t.keys("Escape")
        #expect(!t.waitFor { !$0.contains("Keys: Chat") }.contains("Keys: Chat"))
    }

    @Test func paletteFiltersAndRuns() {
        let t = launch()
        defer { t.stop() }
        t.keys("C-p")
        t.waitFor("Commands")
        t.keys("gomod", literal: true)
        // The filter line and the filtered list can arrive in different writes: wait for both.
        let s = t.waitFor { $0.contains("> gomod") && !$0.contains("Go to Chat") }
        #expect(s.contains("Go to Models"))
        #expect(!s.contains("Go to Chat"))
        t.keys("Enter")
        #expect(t.waitFor("The models folder does not exist yet.").contains("Models /"))
    }

    @Test func functionKeysAndEscPrefixSwitchScreens() {
        let t = launch()
        defer { t.stop() }
        t.keys("F5")
        #expect(t.waitFor("The models folder does not exist yet.").contains("The models folder does not exist yet."))
        t.keys("F4")
        #expect(t.waitFor("No training runs yet.").contains("No training runs yet."))
        t.keys("F3")
        #expect(t.waitFor(" A no model").contains(" B no model"))
        t.keys("Escape", "2")  // for terminals that swallow F2
        #expect(t.waitFor("No model selected").contains("No model selected — press F5 to pick one."))
    }

    @Test func typesCJKAndEmojiAndPastes() {
        let t = launch()
        defer { t.stop() }
        t.keys("你好 世界 👍 café ", literal: true)
        var s = t.waitFor(all: ["> 你好 世界 👍 café"])
        #expect(s.contains("> 你好 世界 👍 café"))
        t.paste("line one\nline two")
        s = t.waitFor(all: ["line two", "> 你好 世界 👍 café line one"])
        #expect(s.contains("> 你好 世界 👍 café line one"))
        #expect(s.contains("  line two"))  // a pasted newline is text, not Enter
        t.keys("Enter")
        #expect(t.waitFor("No model selected — press F5 to pick one").contains("line two"))
    }

    @Test func resizesDownToTheMinimumAndBelow() {
        let t = launch()
        defer { t.stop() }
        t.keys("abc", literal: true)
        t.resize(cols: 40, rows: 12)
        // A frame can be captured half written: wait for the whole expected picture.
        var s = t.waitFor { $0.hasPrefix(" duet  Chat   Compare") && $0.contains("> abc") && $0.contains("^Q quit") }
        let lines = s.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix(" duet  Chat   Compare   Train   Models"))
        #expect(lines[10] == "> abc")
        #expect(lines[11].contains("^Q quit"))
        t.resize(cols: 30, rows: 8)
        s = t.waitFor(all: ["Terminal too small", "Terminal too small (30x8;"])
        #expect(s.contains("Terminal too small (30x8;"))
        #expect(s.contains("need 40x12)"))
        t.resize(cols: 200, rows: 60)
        s = t.waitFor { screen in
            let rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return screen.contains("F5 Models") && rows.count > 59 && rows[59].hasSuffix("^Q quit") && rows[58].hasSuffix("> abc")
        }
        let big = s.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(big[58].hasSuffix("│> abc"))  // wide enough for the chat list beside the input
        #expect(big[59].hasSuffix("F1 help ^P cmds ^Q quit"))
        #expect(!s.contains("too small"))
    }

    @Test func ctrlQQuits() {
        let t = launch()
        defer { t.stop() }
        t.keys("C-q")
        let s = t.waitFor(all: ["DUET-EXIT=", "DUET-EXIT=0"])
        #expect(s.contains("DUET-EXIT=0"))
    }

    @Test func coloursMonochromeAndASCIIFallbacks() {
        let colour = launch()
        defer { colour.stop() }
        let sgr = colour.screen(escapes: true)
        #expect(sgr.contains("\u{1B}[38;5;"))  // 256-colour theme on tmux-256color
        let mono = launch(environment: "NO_COLOR=1 DUET_ASCII=1")
        defer { mono.stop() }
        mono.keys("F1")
        let s = mono.waitFor("Keys: Chat")
        #expect(s.contains("+- Keys: Chat "))  // ASCII frame
        let monoSGR = mono.screen(escapes: true)
        #expect(monoSGR.contains("\u{1B}[7m"))  // the status bar in reverse video
        #expect(!monoSGR.contains("38;5;"))
    }

    @Test func badConfigIsAClearError() throws {
        let home = temporaryDuetHome()
        try "[keys]\napp.palete = \"ctrl+k\"\n".write(toFile: home + "/config.toml", atomically: true, encoding: .utf8)
        let t = Tmux()
        defer { t.stop() }
        t.start(duetCommand(home: home))
        let s = t.waitFor("DUET-EXIT=")
        #expect(s.contains("duet: \(home)/config.toml:2: unknown action \"app.palete\""))
        #expect(s.contains("DUET-EXIT=1"))
    }

    @Test func reboundKeyFromConfigWorks() throws {
        let home = temporaryDuetHome()
        try "[keys]\nscreen.models = \"ctrl+o\"\n".write(toFile: home + "/config.toml", atomically: true, encoding: .utf8)
        let t = Tmux()
        defer { t.stop() }
        t.start(duetCommand(home: home))
        t.waitFor("Models")
        t.keys("C-o")
        #expect(t.waitFor("The models folder does not exist yet.").contains("The models folder does not exist yet."))
    }
}
