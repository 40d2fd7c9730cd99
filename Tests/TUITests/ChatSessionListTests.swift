import Foundation
import Sessions
import Testing
@testable import TUI

/// The chat list's search filter driven with real key presses through the shell and its keymap, over
/// a real database: Esc backs out one step at a time (clear the filter, then leave the list).
@Suite struct ChatSessionListTests {
    let dir = TemporaryDirectory()
    let shell: AppShell

    init() throws {
        let paths = DuetPaths(home: dir.path, database: dir.file("duet.sqlite"))
        let store = try DuetStore.open(path: paths.database)
        try store.createSession(title: "apple pie")
        try store.createSession(title: "banana bread")
        let workspace = Workspace(paths: paths, store: store, modelDirectories: [],
                                  assetsDirectory: dir.file("no-assets"), defaultMaxTokens: 8)
        shell = try AppShell(paths: paths, glyphs: .unicode, screens: [ChatScreen(workspace: workspace)], threads: 1)
    }

    var chat: ChatScreen { shell.screen(.chat) as! ChatScreen }

    func press(_ keys: String...) throws {
        for key in keys { shell.handle(.key(try KeyChord(parsing: key))) }
    }

    func type(_ text: String) {
        for c in text { shell.handle(.key(KeyChord(.character(c)))) }
    }

    @Test func escClearsTheFilterThenLeavesTheList() throws {
        try press("ctrl+o", "/")
        type("apple")
        #expect(chat.sessions.rows.map(\.title) == ["apple pie"])
        try press("esc")
        #expect(chat.sessions.query == "" && !chat.sessions.isSearching)
        #expect(chat.sessions.rows.map(\.title) == ["banana bread", "apple pie"])
        #expect(chat.keyContexts.first == .sessions, "the first Esc only clears the filter")
        try press("esc")
        #expect(chat.keyContexts.first == .editor)
    }

    @Test func escClearsAFilterLeftFromAnOpenedHit() throws {
        try press("ctrl+o", "/")
        type("banana")
        try press("enter")  // opens the hit; the filter stays shown beside the chat
        #expect(chat.keyContexts.first == .editor && chat.sessions.query == "banana")
        try press("ctrl+o", "esc")
        #expect(chat.sessions.query == "" && chat.sessions.rows.count == 2)
        #expect(chat.keyContexts.first == .sessions)
    }
}
