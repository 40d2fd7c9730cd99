import DuetCLI
import Engine
import Foundation
import Sessions
#if canImport(Glibc)
import Glibc
#endif

/// The running terminal UI: one thread (the caller of `run`) owns ncurses and the `AppShell`, and sleeps
/// in `poll` on the terminal and on the event queue's wake-up pipe. Other threads talk to it only through
/// `events.post`. Frames are drawn only when something changed, at most `maxFramesPerSecond` times a second,
/// and only the cells that changed are sent to the terminal.
public final class TUIApp {
    public let shell: AppShell
    /// Post events here from any thread (engine generation, database polling).
    public let events: UIEventQueue
    private let terminal: CursesTerminal
    private var workspace: Workspace?
    private var decoder = KeyDecoder(escapeWindow: 0.5)
    private var grid = CellGrid(width: 0, height: 0)
    public var maxFramesPerSecond = 60.0

    /// Opens the terminal and builds the shell over `store` with the models found in
    /// `modelDirectories` (`--model`), `assets/models` and `$DUET_HOME/models`.
    init(paths: DuetPaths, config: ConfigFile?, environment: [String: String], store: DuetStore?,
         modelDirectories: [String] = [], defaultMaxTokens: Int = 512, quantization: WeightQuantization? = nil) throws {
        events = UIEventQueue()
        terminal = try CursesTerminal(environment: environment, wakeFD: events.signalFD)
        do {
            let workspace = Workspace(paths: paths, store: store, events: events, modelDirectories: modelDirectories,
                                      assetsDirectory: AssetsLocation.resolve(environment: environment),
                                      defaultMaxTokens: defaultMaxTokens, quantization: quantization)
            shell = try AppShell(paths: paths, glyphs: terminal.glyphs, config: config, screens: workspace.makeScreens())
            self.workspace = workspace
            (shell.screen(.train) as? TrainScreen)?.connect(events: events)
        } catch {
            terminal.close()
            throw error
        }
    }

    deinit { terminal.close() }

    /// Runs until the user quits (or the terminal goes away), then restores the terminal.
    public func run() {
        defer {
            terminal.close()
            // Quitting while a reply streams: stop it and let it be stored as stopped, not left "streaming".
            for case let screen as StopsOnQuit in shell.screens { screen.stopForQuit() }
            workspace?.drainEngine(timeout: 5)
            workspace?.drainDatabase(timeout: 12)  // the busy timeout (10 s) bounds a queued write
        }
        var now = Self.clock()
        var nextTick = now + 1
        var lastFrame = -Double.infinity
        var emptyReads = 0
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: events.wakeFD, events: Int16(POLLIN), revents: 0)]
        render(now: now)
        lastFrame = now
        while shell.isRunning {
            let minFrameGap = 1 / maxFramesPerSecond
            var wake = nextTick
            if let d = decoder.deadline { wake = min(wake, d) }
            if let n = shell.noticeDeadline { wake = min(wake, n) }
            if shell.needsRedraw || shell.wantsFullRepaint { wake = min(wake, lastFrame + minFrameGap) }
            let timeout = Int32(max(0, min(1000, (wake - now) * 1000)).rounded(.up))
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, 2, timeout)
            now = Self.clock()
            if ready < 0 && errno != EINTR { break }
            let terminalEvents = Int32(fds[0].revents)
            if terminalEvents & Int32(POLLIN) == 0, terminalEvents & Int32(POLLHUP | POLLERR | POLLNVAL) != 0 { break }
            // Read even when only the pipe woke us: after SIGWINCH, ncurses reports KEY_RESIZE on the next read.
            let raw = terminal.readInput()
            if terminalEvents & Int32(POLLIN) != 0 && raw.isEmpty {
                emptyReads += 1  // readable but nothing to read, again and again: the terminal is gone
                if emptyReads > 100 { break }
            } else {
                emptyReads = 0
            }
            // Esc waits for a second key (Esc 2 = Alt+2) only where that matters; in a dialog it closes at once.
            decoder.escapeWindow = shell.overlays.isEmpty ? 0.5 : 0.05
            for input in raw {
                for event in decoder.feed(input, now: now) { shell.handle(event, now: now) }
            }
            for event in decoder.flush(now: now) { shell.handle(event, now: now) }
            if fds[1].revents & Int16(POLLIN) != 0 {
                for event in events.drain() { shell.handle(event, now: now) }
            }
            shell.expireNotice(now: now)
            if now >= nextTick {
                shell.tick(now: now)
                nextTick = now + 1
            }
            if shell.wantsFullRepaint {
                terminal.invalidate()
                shell.wantsFullRepaint = false
                shell.needsRedraw = true
            }
            if shell.isRunning, shell.needsRedraw, now - lastFrame >= minFrameGap {
                render(now: now)
                lastFrame = now
            }
        }
    }

    /// Draws the shell into the grid and sends the changed cells to the terminal, timing both.
    private func render(now: Double) {
        let size = terminal.size
        if grid.width != size.width || grid.height != size.height {
            grid = CellGrid(width: size.width, height: size.height)
        }
        let t0 = Self.clock()
        shell.draw(into: &grid)
        let t1 = Self.clock()
        let stats = terminal.present(grid)
        for sequence in shell.terminalOutput { terminal.writeRaw(sequence) }
        shell.terminalOutput.removeAll()
        let t2 = Self.clock()
        shell.needsRedraw = false
        shell.frameStats.frames += 1
        shell.frameStats.renderMilliseconds = (t1 - t0) * 1000
        shell.frameStats.presentMilliseconds = (t2 - t1) * 1000
        shell.frameStats.cellsWritten = stats.cellsWritten
        shell.frameStats.fullRedraw = stats.fullRedraw
    }

    /// Monotonic seconds.
    static func clock() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
