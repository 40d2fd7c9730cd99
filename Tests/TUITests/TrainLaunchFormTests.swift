import Foundation
import Sessions
import Testing
@testable import TUI

/// The new-run form driven through the shell with the real keymap, as key presses arrive from the
/// terminal: which field a typed character lands in, and how Tab / Shift+Tab move the focus.
@Suite struct TrainLaunchFormTests {
    let dir = TemporaryDirectory()
    let shell: AppShell
    let screen = TrainScreen()

    init() throws {
        let paths = DuetPaths(home: dir.path, database: dir.file("duet.sqlite"))
        let workspace = Workspace(paths: paths, store: try DuetStore.open(path: paths.database), modelDirectories: [],
                                  assetsDirectory: dir.file("no-assets"), defaultMaxTokens: 8)
        shell = try AppShell(paths: paths, glyphs: .unicode, screens: [ChatScreen(workspace: workspace), screen], threads: 1)
        shell.switchTo(.train)
        shell.run("train.new")
    }

    var form: TrainLaunchForm { shell.overlays.last as! TrainLaunchForm }

    func press(_ keys: String...) throws {
        for key in keys { shell.handle(.key(try KeyChord(parsing: key))) }
    }

    func type(_ text: String) {
        for c in text { shell.handle(.key(KeyChord(.character(c)))) }
    }

    @Test func typingRightAfterOpeningFillsTheFirstFieldShown() throws {
        #expect(form.focus == TrainLaunchForm.Field.allCases.first)
        type("my-run")
        #expect(form.value(.name) == "my-run")
        #expect(form.value(.model) == "")
        var grid = CellGrid(width: 100, height: 30)
        shell.draw(into: &grid)
        let lines = grid.plainText.split(separator: "\n")
        #expect(lines.contains { $0.contains("Name") && $0.contains("my-run") })
    }

    @Test func tabMovesToTheNextFieldAndShiftTabBack() throws {
        try press("tab")
        #expect(form.focus == .model)
        type("/models/tiny")
        try press("tab", "tab")
        #expect(form.focus == .data)
        try press("shift+tab")
        #expect(form.focus == .objective)
        try press("shift+tab", "shift+tab")
        #expect(form.focus == .name)
        try press("shift+tab")  // wraps around to the last field
        #expect(form.focus == TrainLaunchForm.Field.allCases.last)
        #expect(form.value(.model) == "/models/tiny")
        #expect(form.value(.name) == "")
    }
}
