import Foundation
import Sessions
import Testing
@testable import TUI

@Suite struct AppShellTests {
    func makeShell(config: String? = nil) throws -> AppShell {
        let home = NSTemporaryDirectory() + "duet-shell-\(UInt32.random(in: 0..<UInt32.max))"
        let paths = DuetPaths.resolve(environment: ["DUET_HOME": home])
        let file = try config.map { try ConfigFile(path: paths.config, text: $0) }
        return try AppShell(paths: paths, glyphs: .unicode, config: file, threads: 2)
    }

    func screen(_ shell: AppShell, width: Int = 100, height: Int = 30) -> String {
        var grid = CellGrid(width: width, height: height)
        shell.draw(into: &grid)
        return grid.plainText
    }

    func press(_ shell: AppShell, _ keys: String...) throws {
        for key in keys { shell.handle(.key(try KeyChord(parsing: key))) }
    }

    func type(_ shell: AppShell, _ text: String) {
        for c in text { shell.handle(.key(KeyChord(.character(c)))) }
    }

    @Test func shellShowsTabsHonestEmptyStateAndStatus() throws {
        let shell = try makeShell()
        let text = screen(shell)
        #expect(text.hasPrefix(" duet  F2 Chat   F3 Compare   F4 Train   F5 Models"))
        #expect(text.contains("No model selected — press F5 to pick one."))
        let status = text.split(separator: "\n").last!
        #expect(status.contains("model no model"))
        #expect(status.contains("threads 2"))
        #expect(status.contains("mem "))
        #expect(status.contains("F1 help ^P cmds ^Q quit"))
    }

    @Test func switchesScreensWithFunctionKeysAndEscPrefix() throws {
        let shell = try makeShell()
        try press(shell, "f5")
        #expect(shell.active == .models)
        #expect(screen(shell).contains("The models folder does not exist yet."))
        try press(shell, "f4")
        #expect(screen(shell).contains("Reading "))  // the Train screen polls in the background; there is none here
        try press(shell, "f3")
        #expect(screen(shell).contains(" A no model"))
        try press(shell, "alt+2")  // what Esc then 2 decodes to
        #expect(shell.active == .chat)
    }

    @Test func helpListsTheKeysOfTheCurrentScreen() throws {
        let shell = try makeShell()
        try press(shell, "f1")
        let text = screen(shell, height: 60)
        #expect(text.contains("Keys: Chat"))
        #expect(text.contains("Alt+Enter, Ctrl+J"))
        #expect(text.contains("Ctrl+P, Alt+p"))
        #expect(text.contains("Ctrl+End"))
        try press(shell, "esc")
        #expect(shell.overlays.isEmpty)
        // On a screen without text input, "?" opens help too.
        try press(shell, "f5", "?")
        #expect(shell.overlays.first is HelpOverlay)
        try press(shell, "f1")  // the help key closes it again
        #expect(shell.overlays.isEmpty)
    }

    @Test func paletteFiltersAndRunsTheSelectedCommand() throws {
        let shell = try makeShell()
        try press(shell, "ctrl+p")
        let palette = try #require(shell.overlays.last as? CommandPalette)
        #expect(palette.listedActions.contains("app.quit"))
        type(shell, "gomod")
        #expect(palette.listedActions.first == "screen.models")
        #expect(screen(shell).contains("Go to Models"))
        try press(shell, "enter")
        #expect(shell.overlays.isEmpty)
        #expect(shell.active == .models)
        try press(shell, "ctrl+p")
        type(shell, "zzzz")
        #expect(screen(shell).contains("No command matches \"zzzz\""))
    }

    @Test func typingGoesToTheInputAndSendingWithoutAModelSaysSo() throws {
        let shell = try makeShell()
        type(shell, "hi 你好 👍")
        shell.handle(.paste("pasted\nline"))
        #expect(screen(shell).contains("> hi 你好 👍pasted"))
        try press(shell, "enter")
        let chat = try #require(shell.activeScreen as? ChatScreen)
        #expect(chat.editor.text == "hi 你好 👍pasted\nline")  // kept, not lost
        #expect(screen(shell).contains("No model selected — press F5 to pick one"))
    }

    @Test func tooSmallAndMinimumSizes() throws {
        let shell = try makeShell()
        #expect(screen(shell, width: 30, height: 8).contains("Terminal too small (30x8;"))
        let minimum = screen(shell, width: 40, height: 12)
        #expect(!minimum.contains("too small"))
        #expect(minimum.hasPrefix(" duet  Chat   Compare   Train   Models"))
        #expect(minimum.contains("^Q quit"))
        for id in ScreenID.allCases {
            shell.switchTo(id)
            for (w, h) in [(40, 12), (41, 13), (200, 60)] {
                var grid = CellGrid(width: w, height: h)
                shell.draw(into: &grid)  // must not trap at any size
                #expect(grid.text(row: h - 1).contains("quit"))
            }
        }
    }

    @Test func quitAsksWhenSomethingIsRunning() throws {
        let shell = try makeShell()
        var busy = true
        shell.quitGuards.append { busy ? "a generation is running" : nil }
        try press(shell, "ctrl+q")
        #expect(shell.isRunning)
        #expect(screen(shell).contains("a generation is running."))
        try press(shell, "n")
        #expect(shell.isRunning && shell.overlays.isEmpty)
        try press(shell, "ctrl+q", "ctrl+q")  // pressed twice: quit anyway
        #expect(!shell.isRunning)
        let idle = try makeShell()
        busy = false
        try press(idle, "ctrl+q")
        #expect(!idle.isRunning)
    }

    @Test func rebindingFromConfigChangesHintsAndKeys() throws {
        let shell = try makeShell(config: "[keys]\napp.palette = \"ctrl+k\"\napp.help = [\"f9\"]\nscreen.models = \"ctrl+o\"\n")
        let text = screen(shell)
        #expect(text.contains("F9 help ^K cmds"))
        #expect(text.contains("F4 Train   ^O Models"))
        try press(shell, "ctrl+k")
        #expect(shell.overlays.last is CommandPalette)
        try press(shell, "esc", "f1")
        #expect(shell.overlays.isEmpty)
    }

    @Test func noticesExpire() throws {
        let shell = try makeShell()
        shell.showNotice("hello there", now: 100, seconds: 5)
        #expect(shell.noticeDeadline == 105)
        #expect(screen(shell).contains("hello there"))
        shell.expireNotice(now: 104)
        #expect(screen(shell).contains("hello there"))
        shell.expireNotice(now: 105)
        #expect(!screen(shell).contains("hello there"))
        #expect(shell.noticeDeadline == nil)
    }

    @Test func debugOverlayShowsFrameTimings() throws {
        let shell = try makeShell()
        shell.frameStats = FrameStats(frames: 7, renderMilliseconds: 0.25, presentMilliseconds: 0.5, cellsWritten: 42)
        try press(shell, "f12")
        let text = screen(shell)
        #expect(text.contains("render    0.250 ms"))
        #expect(text.contains("cells   42"))
        #expect(text.contains("frames  7"))
        try press(shell, "f12")
        #expect(!screen(shell).contains("render    0.250 ms"))
    }

    @Test func statusBarShowsTheDatabaseFromTheCommandLine() throws {
        let paths = DuetPaths.resolve(environment: ["DUET_HOME": "/tmp/duet-x"], database: "/tmp/other.sqlite")
        let shell = try AppShell(paths: paths, glyphs: .unicode, threads: 3)
        let status = screen(shell, width: 120).split(separator: "\n").last!
        #expect(status.contains("db /tmp/other.sqlite"))
        #expect(status.contains("threads 3"))
    }

    @Test func eventsFromOtherThreadsArriveThroughTheQueue() async throws {
        let shell = try makeShell()
        let queue = UIEventQueue()
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<8 { group.addTask { queue.post(.notice("from worker \(i)")) } }
        }
        queue.post(.perform { $0.models = ["gemma-2-2b"] })
        var fds = [pollfd(fd: queue.wakeFD, events: Int16(POLLIN), revents: 0)]
        #expect(poll(&fds, 1, 1000) == 1)  // the pipe woke us
        let events = queue.drain()
        #expect(events.count == 9)
        for event in events { shell.handle(event, now: 0) }
        let text = screen(shell)
        #expect(text.contains("model gemma-2-2b"))
        #expect(text.contains("from worker"))
        #expect(queue.drain().isEmpty)
    }

    @Test func trainScreenStatusShowsTheLoadedChatModel() throws {
        let h = try ShellHarness()
        #expect(h.pump { h.workspace.models.chatModel?.isLoading == false })
        h.shell.switchTo(.train)
        let status = String(h.screenText().split(separator: "\n").last!)
        #expect(status.contains("model tiny-random-gemma2"), "\(status)")
        #expect(!status.contains("no model"))
    }
}
