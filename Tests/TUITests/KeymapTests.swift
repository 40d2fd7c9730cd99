import Sessions
import Testing
@testable import TUI

@Suite struct KeymapTests {
    @Test func parsesChords() throws {
        #expect(try KeyChord(parsing: "ctrl+p") == KeyChord(.character("p"), .ctrl))
        #expect(try KeyChord(parsing: "Ctrl+P") == KeyChord(.character("p"), .ctrl))
        #expect(try KeyChord(parsing: "alt+enter") == KeyChord(.enter, .alt))
        #expect(try KeyChord(parsing: "F2") == KeyChord(.function(2)))
        #expect(try KeyChord(parsing: "?") == KeyChord(.character("?")))
        #expect(try KeyChord(parsing: "shift+tab") == KeyChord(.tab, .shift))
        #expect(try KeyChord(parsing: "shift+a") == KeyChord(.character("A")))
        #expect(try KeyChord(parsing: "alt+X") == KeyChord(.character("X"), .alt))
        #expect(try KeyChord(parsing: "alt++") == KeyChord(.character("+"), .alt))
        #expect(try KeyChord(parsing: "space") == KeyChord(.character(" ")))
        #expect(try KeyChord(parsing: "pgdn") == KeyChord(.pageDown))
        #expect(try KeyChord(parsing: "ctrl+alt+left") == KeyChord(.left, [.ctrl, .alt]))
    }

    @Test func rejectsBadChords() {
        #expect(throws: KeymapError.self) { try KeyChord(parsing: "hyper+x") }
        #expect(throws: KeymapError.self) { try KeyChord(parsing: "ctrl+") }
        #expect(throws: KeymapError.self) { try KeyChord(parsing: "f99") }
        #expect(throws: KeymapError.self) { try KeyChord(parsing: "ctrl+1") }
        #expect(throws: KeymapError.self) { try KeyChord(parsing: "ctrl++") }  // terminals cannot send it
        #expect(throws: KeymapError.self) { try KeyChord(parsing: "") }
    }

    @Test func formatsForHelpAndConfig() throws {
        #expect(KeyChord(.character("p"), .ctrl).description == "Ctrl+P")
        #expect(KeyChord(.character("p"), .ctrl).shortDescription == "^P")
        #expect(KeyChord(.enter, .alt).description == "Alt+Enter")
        #expect(KeyChord(.function(12)).configName == "f12")
        for action in Keymap.builtinActions {
            for key in action.defaultKeys { #expect(try KeyChord(parsing: KeyChord(parsing: key).configName) == KeyChord(parsing: key)) }
        }
    }

    @Test func defaultBindingsAndContextChains() {
        let keymap = Keymap()
        #expect(keymap.action(for: KeyChord(.function(1)), in: [.global]) == "app.help")
        #expect(keymap.action(for: KeyChord(.character("2"), .alt), in: [.global]) == "screen.chat")
        #expect(keymap.action(for: KeyChord(.character("p"), .ctrl), in: [.editor, .view, .global]) == "app.palette")
        // End: the editor's line end wins over the view's "scroll to bottom" when the editor is first.
        #expect(keymap.action(for: KeyChord(.end), in: [.editor, .view, .global]) == "editor.line-end")
        #expect(keymap.action(for: KeyChord(.end), in: [.view, .global]) == "view.bottom")
        #expect(keymap.effectiveKeys(for: "view.bottom", in: [.editor, .view, .global]) == [KeyChord(.end, .ctrl)])
        // "?" opens help, except while typing.
        #expect(keymap.action(for: KeyChord(.character("?")), in: [.list, .global]) == "app.help")
        #expect(keymap.action(for: KeyChord(.character("?")), in: [.editor, .global], textInput: true) == nil)
    }

    @Test func configRebindsAndMovesTakenKeys() throws {
        var keymap = Keymap()
        let config = try ConfigFile(path: "config.toml", text: """
            # my keys
            [keys]
            app.palette = "ctrl+k"          # instead of Ctrl+P
            "screen.chat" = ["f6", "alt+c"]
            app.debug = []
            """)
        try keymap.apply(config)
        #expect(keymap.keys(for: "app.palette") == [KeyChord(.character("k"), .ctrl)])
        #expect(keymap.action(for: KeyChord(.character("p"), .ctrl), in: [.global]) == nil)
        #expect(keymap.action(for: KeyChord(.function(6)), in: [.global]) == "screen.chat")
        #expect(keymap.action(for: KeyChord(.function(2)), in: [.global]) == nil)
        #expect(keymap.keys(for: "app.debug").isEmpty)
        // A key taken from another action of the same context moves.
        try keymap.bind("app.quit", to: [KeyChord(.function(6))])
        #expect(keymap.action(for: KeyChord(.function(6)), in: [.global]) == "app.quit")
        #expect(keymap.keys(for: "screen.chat") == [KeyChord(.character("c"), .alt)])
    }

    @Test func configErrorsNameFileAndLine() throws {
        func error(_ text: String) -> String {
            do {
                var keymap = Keymap()
                try keymap.apply(try ConfigFile(path: "/x/config.toml", text: text))
                return "no error"
            } catch { return "\(error)" }
        }
        #expect(error("[keys]\napp.nope = \"f2\"\n").hasPrefix("/x/config.toml:2: unknown action \"app.nope\""))
        #expect(error("[keys]\n\napp.help = \"hyper+h\"\n").hasPrefix("/x/config.toml:3: invalid key \"hyper+h\""))
        #expect(error("[keys]\napp.help = 3\n").hasPrefix("/x/config.toml:2: keys for app.help must be"))
        #expect(error("[keys]\napp.help = \"f9\"\napp.quit = \"f9\"\n")
            == "/x/config.toml:3: key \"f9\" is bound to both app.help and app.quit")
    }
}

@Suite struct ConfigFileTests {
    @Test func parsesTheSubset() throws {
        let file = try ConfigFile(path: "c.toml", text: """
            top = 1
            [ui]
            name = "duet \\"x\\" \\u00e9"   # comment
            literal = 'C:\\path'
            ratio = 0.5
            big = 1_000
            on = true
            list = [
              "a", # first
              'b',
            ]
            [keys.extra]
            k = "v"
            """)
        #expect(file.entries(in: "").map(\.key) == ["top"])
        let ui = Dictionary(uniqueKeysWithValues: file.entries(in: "ui").map { ($0.key, $0.value) })
        #expect(ui["name"] == .string("duet \"x\" é"))
        #expect(ui["literal"] == .string("C:\\path"))
        #expect(ui["ratio"] == .float(0.5))
        #expect(ui["big"] == .integer(1000))
        #expect(ui["on"] == .bool(true))
        #expect(ui["list"] == .array([.string("a"), .string("b")]))
        #expect(file.entries(in: "keys.extra").first?.line == 13)
    }

    @Test func reportsErrorsWithLines() {
        func message(_ text: String) -> String {
            do { _ = try ConfigFile(path: "c.toml", text: text); return "ok" } catch { return "\(error)" }
        }
        #expect(message("a = \"open\n") == "c.toml:1: unterminated string")
        #expect(message("\n\n[keys\n") == "c.toml:3: expected \"]\" to close the table name")
        #expect(message("a = 1 2\n") == "c.toml:1: unexpected \"2\" after value")
        #expect(message("a = 1\na = 2\n") == "c.toml:2: key \"a\" defined twice")
        #expect(message("a = 1979-05-27\n") == "c.toml:1: unsupported value \"1979-05-27\" (expected a string, number, boolean or array)")
        #expect(message("= 3\n") == "c.toml:1: unexpected \"=\" where a key was expected")
    }

    @Test func missingFileIsEmpty() throws {
        let file = try ConfigFile.load(path: "/nonexistent/duet/config.toml")
        #expect(file.entries(in: "keys").isEmpty)
    }

    @Test func duetHomeResolution() {
        #expect(DuetPaths.resolve(environment: ["DUET_HOME": "/d/", "HOME": "/h"]).home == "/d")
        #expect(DuetPaths.resolve(environment: ["XDG_DATA_HOME": "/x", "HOME": "/h"]).database == "/x/duet/duet.sqlite")
        #expect(DuetPaths.resolve(environment: ["HOME": "/h"]).config == "/h/.local/share/duet/config.toml")
        #expect(DuetPaths.resolve(environment: ["HOME": "/h"], database: "/tmp/a.db").database == "/tmp/a.db")
        #expect(DuetPaths.resolve(environment: ["XDG_DATA_HOME": "relative", "HOME": "/h"]).home == "/h/.local/share/duet")
    }
}
