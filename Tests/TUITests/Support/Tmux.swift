import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Drives a program in a detached tmux session on a private socket (`-L`), so tests never touch the
/// user's or another test's tmux server. Start with `start`, send keys, poll the screen with `waitFor`,
/// and always `stop` (which ends the private server). See docs/swift-on-linux.md §3 for why this uses
/// posix_spawn with signals unblocked instead of Foundation.Process.
final class Tmux {
    let socket = "duet-test-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
    let session = "t"

    @discardableResult
    private func tmux(_ arguments: [String]) -> ProcessOutput {
        spawnWait(["tmux", "-L", socket] + arguments, environment: ["TMUX": ""])
    }

    /// Starts `command` (run by /bin/sh) in a `cols` x `rows` window.
    func start(_ command: String, cols: Int = 100, rows: Int = 30) {
        tmux(["-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "\(cols)", "-y", "\(rows)", command])
    }

    /// Sends tmux key names ("F1", "C-p", "Escape", "Enter") or, with `literal`, text as typed.
    func keys(_ keys: String..., literal: Bool = false) {
        tmux(["send-keys", "-t", session] + (literal ? ["-l"] : []) + keys)
    }

    /// Pastes `text` as a terminal paste (bracketed, since the program enabled the mode).
    func paste(_ text: String) {
        tmux(["set-buffer", "-b", "duet", text])
        tmux(["paste-buffer", "-p", "-b", "duet", "-t", session])
    }

    /// The pid of the pane's shell (the program is its child; see `programPid(inPaneOf:)`).
    var panePid: pid_t? {
        pid_t(tmux(["list-panes", "-t", session, "-F", "#{pane_pid}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func resize(cols: Int, rows: Int) {
        tmux(["resize-window", "-t", session, "-x", "\(cols)", "-y", "\(rows)"])
    }

    /// The visible screen; with `escapes`, including SGR colour/attribute sequences.
    func screen(escapes: Bool = false) -> String {
        tmux(["capture-pane", "-t", session, "-p"] + (escapes ? ["-e"] : [])).stdout
    }

    @discardableResult
    /// Polls the pane until `predicate` holds (returns at once when it does; the generous default only
    /// matters on a loaded machine, where the whole suite's processes share two cores).
    func waitFor(timeout: Double = 30, _ predicate: (String) -> Bool) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var s = screen()
        while !predicate(s) && Date() < deadline {
            usleep(20_000)
            s = screen()
        }
        return s
    }

    @discardableResult
    func waitFor(_ text: String, timeout: Double = 30) -> String { waitFor(timeout: timeout) { $0.contains(text) } }

    /// Polls until every one of `texts` is on the screen at once (a frame can be captured half drawn:
    /// a dialog's box and title before its text), and returns that screen.
    @discardableResult
    func waitFor(all texts: [String], timeout: Double = 30) -> String {
        waitFor(timeout: timeout) { screen in texts.allSatisfy { screen.contains($0) } }
    }

    /// Ends the session and this test's private tmux server, and removes its socket file.
    func stop() {
        tmux(["kill-server"])
        let directory = ProcessInfo.processInfo.environment["TMUX_TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        unlink("\(directory)/tmux-\(getuid())/\(socket)")
    }
}

/// A fresh `$DUET_HOME` for one test.
func temporaryDuetHome() -> String {
    let path = NSTemporaryDirectory() + "duet-home-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The shell command that runs `duet` in a tmux pane with a temporary home (also the working
/// directory) and no bundled models (`DUET_ASSETS` empty of them unless `environment` sets it), and
/// reports its exit status.
/// `swift test` exports NO_COLOR=1 to its tests; it is removed so the colour theme is what gets tested.
func duetCommand(home: String, arguments: String = "", environment: String = "") -> String {
    "mkdir -p '\(home)' && cd '\(home)' && env -u NO_COLOR -u COLORTERM -u DUET_COLORS -u DUET_ASCII DUET_HOME='\(home)' DUET_ASSETS='\(noBundledAssets)' TERM=tmux-256color LANG=C.UTF-8 \(environment) '\(productPath("duet"))' \(arguments); echo DUET-EXIT=$?; sleep 60"
}
