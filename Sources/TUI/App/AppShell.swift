import Engine
import Foundation
import Sessions

/// Frame timings the event loop records, shown by the debug overlay (F12).
public struct FrameStats: Equatable {
    public var frames = 0
    public var renderMilliseconds = 0.0
    public var presentMilliseconds = 0.0
    public var cellsWritten = 0
    public var fullRedraw = false
}

/// The app without the terminal: screens, overlays, the keymap, the tab and status bars. It turns input
/// events into state changes and draws everything into a `CellGrid`, so all of it runs in unit tests;
/// `TUIApp` connects it to ncurses and the event loop.
public final class AppShell {
    /// The smallest size the layout supports; below it the shell shows a "too small" message.
    public static let minimumSize = (width: 40, height: 12)

    public private(set) var keymap: Keymap
    public let paths: DuetPaths
    public let glyphs: Glyphs
    public private(set) var screens: [Screen]
    public private(set) var active: ScreenID = .chat
    public private(set) var overlays: [ShellOverlay] = []
    /// False once the user quit.
    public private(set) var isRunning = true
    /// Set when the whole terminal should be repainted (Ctrl+L); the loop clears it.
    public var wantsFullRepaint = false
    /// Set whenever something visible changed; the loop draws a frame and clears it.
    public var needsRedraw = true
    /// The models in use, for the status bar on screens without models of their own (when empty, the
    /// chat model is shown; "no model" only when there is none).
    public var models: [String] = [] { didSet { needsRedraw = true } }
    public var isDebugVisible = false
    public var frameStats = FrameStats()
    /// Escape sequences for the terminal itself (OSC 52 clipboard), written after the next frame.
    public var terminalOutput: [String] = []
    /// Extra reasons not to quit without asking (besides the screens' own `busyReason`).
    public var quitGuards: [() -> String?] = []
    private var notice: (text: String, until: Double)? = nil
    private var residentBytes: Int? = nil
    private let threads: Int
    /// The home that paths are shown relative to (`~/…`); none when it is `/`.
    private let userHome = DuetPaths.userHome().flatMap { $0.count > 1 ? $0 : nil }

    /// Creates the shell with the standard screens. `config` supplies `[keys]` rebindings.
    public init(paths: DuetPaths, glyphs: Glyphs, config: ConfigFile? = nil, screens: [Screen]? = nil,
                threads: Int = EngineThreads.count) throws {
        self.paths = paths
        self.glyphs = glyphs
        self.threads = threads
        self.screens = screens ?? Workspace.offline(paths: paths).makeScreens()
        var keymap = Keymap()
        for screen in self.screens { for action in screen.actions { try keymap.register(action) } }
        if let config { try keymap.apply(config) }
        self.keymap = keymap
        residentBytes = ProcessStats.residentBytes()
        screen(active).activate(context)
    }

    public var context: ScreenContext { ScreenContext(glyphs: glyphs, keymap: keymap, paths: paths, models: models) }

    public func screen(_ id: ScreenID) -> Screen { screens.first { $0.id == id }! }
    public var activeScreen: Screen { screen(active) }

    /// The key contexts in effect, most specific first.
    public var keyContexts: [KeyContext] {
        (overlays.last?.keyContexts ?? activeScreen.keyContexts) + [.global]
    }

    // MARK: Input

    /// Applies one input event.
    public func handle(_ event: InputEvent, now: Double = 0) {
        needsRedraw = true
        switch event {
        case .resize:
            wantsFullRepaint = true
        case .paste(let text):
            if let overlay = overlays.last {
                if overlay.acceptsText { apply(overlay.insert(text), to: overlay) }
            } else if activeScreen.acceptsText {
                apply(activeScreen.insert(text, context: context), now: now)
            }
        case .key(let chord):
            handleKey(chord, now: now)
        }
    }

    private func handleKey(_ chord: KeyChord, now: Double) {
        if let overlay = overlays.last {
            let contexts = overlay.keyContexts + [.global]
            let action = keymap.action(for: chord, in: contexts, textInput: overlay.acceptsText)
            if let action, keymap.action(named: action)?.context == .global {
                guard overlay.allowsGlobalActions else {  // a modal question: it decides (Ctrl+Q twice quits)
                    if let result = overlay.perform(action) { apply(result, to: overlay, now: now) }
                    return
                }
                let closesItself = action == "app.help" && overlay is HelpOverlay
                    || action == "app.palette" && overlay is CommandPalette
                overlays.removeAll()
                if !closesItself { run(action, now: now) }
                return
            }
            if let action, let result = overlay.perform(action) {
                apply(result, to: overlay, now: now)
            } else if let c = chord.character, overlay.acceptsText {
                apply(overlay.insert(String(c)), to: overlay, now: now)
            }
            return
        }
        let screen = activeScreen
        if let action = keymap.action(for: chord, in: keyContexts, textInput: screen.acceptsText) {
            run(action, now: now)
        } else if let c = chord.character, screen.acceptsText {
            apply(screen.insert(String(c), context: context), now: now)
        }
    }

    /// Runs a keymap action by name (keys, the palette and tests all come through here).
    public func run(_ action: String, now: Double = 0) {
        needsRedraw = true
        switch action {
        case "app.help": overlays.append(HelpOverlay(shell: self))
        case "app.palette": overlays.append(CommandPalette(shell: self))
        case "app.quit": requestQuit()
        case "app.redraw": wantsFullRepaint = true
        case "app.debug": isDebugVisible.toggle()
        default:
            if let id = ScreenID.allCases.first(where: { $0.action == action }) {
                switchTo(id)
            } else if let request = activeScreen.perform(action, context: context) {
                apply(request, now: now)
            }
        }
    }

    /// Quits, or asks first when a screen or a quit guard reports work in progress.
    public func requestQuit() {
        let reasons = screens.compactMap(\.busyReason) + quitGuards.compactMap { $0() }
        if reasons.isEmpty {
            isRunning = false
        } else {
            overlays.append(ConfirmOverlay(title: "Quit Duet?", message: reasons.joined(separator: "; ") + "."))
        }
    }

    public func switchTo(_ id: ScreenID) {
        guard id != active else { return }
        active = id
        activeScreen.activate(context)
        needsRedraw = true
    }

    /// Applies an event posted from another thread.
    public func handle(_ event: AppEvent, now: Double = 0) {
        needsRedraw = true
        switch event {
        case .notice(let text): showNotice(text, now: now)
        case let .toScreen(id, payload): apply(screen(id).receive(payload, context: context), now: now)
        case .perform(let body): body(self)
        }
    }

    public func showNotice(_ text: String, now: Double, seconds: Double = 5) {
        notice = (text, now + seconds)
        needsRedraw = true
    }

    /// Periodic refresh (about once a second): resident memory.
    public func tick(now: Double) {
        let rss = ProcessStats.residentBytes()
        if rss.map(ProcessStats.formatBytes) != residentBytes.map(ProcessStats.formatBytes) { needsRedraw = true }
        residentBytes = rss
        expireNotice(now: now)
    }

    /// Removes the status notice once its time is up.
    public func expireNotice(now: Double) {
        if let n = notice, now >= n.until { notice = nil; needsRedraw = true }
    }

    /// When the current notice expires, for the loop's wake-up timer.
    public var noticeDeadline: Double? { notice?.until }

    private func apply(_ request: ScreenRequest, now: Double) {
        switch request {
        case .none: break
        case .notice(let text): showNotice(text, now: now)
        case .switchTo(let id): switchTo(id)
        case .overlay(let overlay): overlays.append(overlay)
        case .openChat(let directory):
            guard let chat = screens.first(where: { $0 is ChatOpening }) as? ChatOpening else {
                showNotice("The Chat screen cannot open \(directory) yet", now: now)
                return
            }
            switchTo(chat.id)
            apply(chat.openChat(modelDirectory: directory, context: context), now: now)
        case let .copy(text, what): copy(text, what: what, now: now)
        }
    }

    /// Puts `text` on the clipboard: an OSC 52 sequence for the terminal (sent after the next frame)
    /// and `$DUET_HOME/clipboard.txt`.
    public func copy(_ text: String, what: String, now: Double) {
        terminalOutput.append(Clipboard.osc52(text))
        let file = Clipboard.filePath(home: paths.home)
        do {
            try Clipboard.writeFile(text, home: paths.home)
            showNotice("Copied \(what) (\(text.count) characters) to the clipboard and \(displayPath(file))", now: now)
        } catch {
            showNotice("Copied \(what) to the clipboard; could not write \(file): \(error)", now: now)
        }
    }

    /// `path` with the home directory shown as `~`.
    func displayPath(_ path: String) -> String {
        if let userHome, path.hasPrefix(userHome + "/") { return "~" + path.dropFirst(userHome.count) }
        return path
    }

    private func apply(_ result: OverlayResult, to overlay: ShellOverlay, now: Double = 0) {
        switch result {
        case .stay: break
        case .close: overlays.removeAll { $0 === overlay }
        case .closeAndRun(let action):
            overlays.removeAll { $0 === overlay }
            run(action, now: now)
        case .quit: isRunning = false
        }
    }

    // MARK: Drawing

    /// Draws the whole window into `grid` (sized to the terminal).
    public func draw(into grid: inout CellGrid) {
        grid.clear()
        let bounds = grid.bounds
        guard bounds.width >= AppShell.minimumSize.width, bounds.height >= AppShell.minimumSize.height else {
            let message = "Terminal too small (\(bounds.width)x\(bounds.height); need \(AppShell.minimumSize.width)x\(AppShell.minimumSize.height))"
            drawCenteredMessage([StyledLine(message, Style(.warning))], in: bounds, grid: &grid)
            return
        }
        let (tabRow, rest) = bounds.splitTop(1)
        let (content, statusRow) = rest.splitBottom(1)
        drawTabs(in: tabRow, grid: &grid)
        let context = self.context
        activeScreen.draw(in: content, grid: &grid, context: context)
        drawStatus(in: statusRow, grid: &grid)
        if !overlays.isEmpty { grid.cursor = nil }
        for overlay in overlays { overlay.draw(in: content, grid: &grid, context: context) }
        if isDebugVisible { drawDebug(in: content, grid: &grid) }
    }

    /// " duet  F2 Chat   F3 Compare ..." with the first key of each screen; when that does not fit, the
    /// titles alone; when even that does not fit, the titles without the brand.
    private func drawTabs(in row: Rect, grid: inout CellGrid) {
        grid.fill(row, with: Cell(" ", Style(.statusBar)))
        let brand = " duet "
        let withKeys = ScreenID.allCases.map { id in
            " " + (keymap.keys(for: id.action).first.map { $0.shortDescription + " " } ?? "") + id.title + " "
        }
        let titles = ScreenID.allCases.map { " \($0.title) " }
        func width(_ labels: [String]) -> Int { labels.reduce(0) { $0 + DisplayWidth.of($1) + 1 } }
        let brandWidth = DisplayWidth.of(brand)
        let labels = brandWidth + width(withKeys) <= row.width ? withKeys : titles
        var x = row.x
        if brandWidth + width(labels) <= row.width {
            x += grid.put(brand, x: x, y: row.y, style: Style(.statusKey, [.bold]), clip: row)
        }
        for (id, label) in zip(ScreenID.allCases, labels) {
            x += grid.put(label, x: x, y: row.y, style: Style(id == active ? .tabActive : .tabInactive), clip: row)
            x += 1
        }
    }

    private func drawStatus(in row: Rect, grid: inout CellGrid) {
        let db = displayPath(paths.database)
        // Screens without models of their own (Train) show the chat model: "no model" there while one
        // is loaded would tell the user they have none.
        let chatModels = screens.first { $0.id == .chat }?.statusModels ?? []
        let shown = activeScreen.statusModels ?? (models.isEmpty ? chatModels : models)
        let modelText = shown.isEmpty ? "no model" : shown.joined(separator: " vs ")
        var left: [StatusBar.Segment] = [
            StatusBar.Segment(StyledLine([Span("model ", .statusDim), Span(modelText, .statusBar)]), priority: 5),
            StatusBar.Segment(StyledLine([Span("threads ", .statusDim), Span("\(threads)", .statusBar)]), priority: 2),
        ]
        if let rss = residentBytes {
            left.append(StatusBar.Segment(StyledLine([Span("mem ", .statusDim), Span(ProcessStats.formatBytes(rss), .statusBar)]), priority: 3))
        }
        left.append(StatusBar.Segment(StyledLine([Span("db ", .statusDim), Span(db, .statusBar)]), priority: 1, minimumWidth: 16))
        var right: [StatusBar.Segment] = []
        if let notice {
            right.append(StatusBar.Segment(StyledLine(notice.text, Style(.statusKey)), priority: 10))
        } else {
            var hints = StyledLine()
            for (action, label) in [("app.help", "help"), ("app.palette", "cmds"), ("app.quit", "quit")] {
                guard let key = keymap.effectiveKeys(for: action, in: keyContexts, textInput: activeScreen.acceptsText).first else { continue }
                if !hints.spans.isEmpty { hints.append(" ", Style(.statusBar)) }
                hints.append(key.shortDescription, Style(.statusKey))
                hints.append(" " + label, Style(.statusBar))
            }
            right.append(StatusBar.Segment(hints, priority: 4))
        }
        StatusBar(left: left, right: right).draw(in: row, grid: &grid, glyphs: glyphs)
    }

    private func drawDebug(in area: Rect, grid: inout CellGrid) {
        let s = frameStats
        let lines = [
            String(format: "render  %7.3f ms", s.renderMilliseconds),
            String(format: "present %7.3f ms", s.presentMilliseconds),
            "cells   \(s.cellsWritten)\(s.fullRedraw ? " (full)" : "")",
            "frames  \(s.frames)",
            "size    \(grid.width)x\(grid.height)",
        ]
        let width = min(area.width, 30), height = min(area.height, lines.count + 2)
        let box = Rect(x: area.maxX - width, y: area.y, width: width, height: height)
        grid.fill(box, with: Cell(" ", Style(.overlay)))
        grid.drawBox(box, glyphs: glyphs, style: Style(.overlayBorder), title: StyledLine("debug", Style(.overlayTitle)))
        for (i, line) in lines.enumerated() where i < height - 2 {
            grid.put(line, x: box.x + 2, y: box.y + 1 + i, style: Style(.overlay), clip: box.inset(dx: 1, dy: 1))
        }
    }
}

