import Testing
@testable import TUI

/// Layout decisions of the chat screen and the scrolling they rely on.
@Suite struct ChatLayoutTests {
    @Test func revealScrollsTheLeastToShowARange() {
        var view = TextView()
        view.reveal(99..<100, lineCount: 100, height: 20)  // the last line: at the bottom, following
        #expect(view.top == 80 && view.isFollowingTail)
        view.reveal(10..<14, lineCount: 100, height: 20)  // above: its start at the top edge
        #expect(view.top == 10 && !view.isFollowingTail)
        view.reveal(12..<13, lineCount: 100, height: 20)  // already visible: no move
        #expect(view.top == 10)
        view.reveal(40..<45, lineCount: 100, height: 20)  // below: its end at the bottom edge
        #expect(view.top == 25)
        view.reveal(50..<90, lineCount: 100, height: 20)  // taller than the view: its start at the top
        #expect(view.top == 50)
        view.reveal(95..<100, lineCount: 100, height: 20)  // the last lines: follows the tail again
        #expect(view.top == 80 && view.isFollowingTail)
    }

    @Test func chatListIsASidebarWhenWideAndAPanelWhenNarrow() throws {
        let h = try ShellHarness()
        h.send("Hello")
        #expect(h.pump { !h.chat.controller.isBusy })
        let wide = h.screenText(width: 120, height: 20).split(separator: "\n").map(String.init)
        #expect(wide[1].hasPrefix(" Chats ") && wide[1].contains("│You"))
        let narrow = h.screenText(width: 80, height: 20)
        #expect(!narrow.contains(" Chats ") && narrow.contains("You"))
        h.shell.run("chat.sessions")
        let panel = h.screenText(width: 80, height: 20).split(separator: "\n").map(String.init)
        #expect(panel[1].hasPrefix(" Chats (/ search)") && panel[2].hasPrefix(" Hello"))
        h.shell.handle(.key(KeyChord(.escape)))
        #expect(!h.screenText(width: 80, height: 20).contains(" Chats "))
        // Copy mode scrolls the selected message into view and marks it.
        h.shell.run("chat.copy-mode")
        h.shell.run("copy.up")
        let copy = h.screenText(width: 80, height: 20)
        #expect(copy.contains("▶ You") && copy.contains(" COPY  message 1 of 2"))
    }
}
