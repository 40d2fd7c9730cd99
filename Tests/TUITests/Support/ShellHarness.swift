import Foundation
import Sessions
@testable import TUI

/// A shell over a real database and the tiny random models, driven without a terminal: actions run
/// as keys would run them, and the events the engine posts are applied as the UI loop would.
final class ShellHarness {
    let directory = TemporaryDirectory()
    let store: DuetStore
    let workspace: Workspace
    let shell: AppShell

    init(maxTokens: Int = 24, busyTimeout: TimeInterval = 10) throws {
        let paths = DuetPaths.resolve(environment: ["DUET_HOME": directory.path])
        store = try DuetStore.open(path: paths.database, options: .init(busyTimeout: busyTimeout))
        workspace = Workspace(paths: paths, store: store, modelDirectories: [TinyModelPair.directory.path],
                              assetsDirectory: directory.path + "/no-assets", defaultMaxTokens: maxTokens)
        shell = try AppShell(paths: paths, glyphs: .unicode, screens: workspace.makeScreens(), threads: 2)
    }

    var chat: ChatScreen { shell.screen(.chat) as! ChatScreen }
    var compare: CompareScreen { shell.screen(.compare) as! CompareScreen }

    /// Applies posted events until `condition` holds; false on timeout.
    @discardableResult
    func pump(timeout: Double = 30, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > deadline { return false }
            for event in workspace.events.drain() { shell.handle(event) }
            usleep(1000)
        }
        return true
    }

    /// Waits for the database writes queued so far and applies what they post back.
    func settleWrites() {
        workspace.drainDatabase(timeout: 15)
        for event in workspace.events.drain() { shell.handle(event) }
    }

    /// Types `text` into the focused input and presses Enter; on the chat screen, waits until the
    /// message is stored (the database queue) and the reply has started.
    func send(_ text: String) {
        shell.handle(.paste(text))
        shell.run(EditorCommand.submit.rawValue)
        _ = pump(timeout: 15) { !chat.controller.saving }
    }

    func screenText(width: Int = 120, height: Int = 40) -> String {
        var grid = CellGrid(width: width, height: height)
        shell.draw(into: &grid)
        return grid.plainText
    }
}
