import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn that the test watches, signals and reaps.
/// stdout and stderr go to files in a private temporary directory; stdin is /dev/null.
final class BackgroundProcess {
    let pid: pid_t
    private let directory: String
    private var exitStatus: Int32?

    /// Starts `argv` (signals unblocked, like `spawnWait`). Returns nil if it cannot be started.
    init?(_ argv: [String], environment: [String: String] = [:]) {
        directory = NSTemporaryDirectory() + "duet-bg-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        mkdir(directory, 0o755)
        guard let child = spawnChild(argv, environment: environment, stdin: "/dev/null",
                                     stdout: directory + "/out", stderr: directory + "/err") else {
            try? FileManager.default.removeItem(atPath: directory)
            return nil
        }
        pid = child
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            _ = wait()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Everything the child wrote to stdout so far.
    var stdout: String { (try? String(contentsOfFile: directory + "/out", encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: directory + "/err", encoding: .utf8)) ?? "" }

    /// Complete lines of stdout so far.
    var lines: [String] {
        let text = stdout
        guard let lastNewline = text.lastIndex(of: "\n") else { return [] }
        return text[..<lastNewline].split(separator: "\n").map(String.init)
    }

    /// Waits until some stdout line satisfies `predicate` (or the child exits, or `timeout` passes).
    @discardableResult
    func waitForLine(timeout: TimeInterval = 30, where predicate: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = lines.first(where: predicate) { return line }
            if hasExited { return lines.first(where: predicate) }
            usleep(10_000)
        }
        return nil
    }

    /// Whether the child has exited (reaps it if so).
    var hasExited: Bool {
        if exitStatus != nil { return true }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid { exitStatus = Self.exitCode(status) }
        return exitStatus != nil
    }

    /// Sends `signal` to the child.
    func signal(_ signal: Int32) { kill(pid, signal) }

    /// Waits for the child to exit; returns its exit code, or 128 + the signal that killed it.
    @discardableResult
    func wait() -> Int32 {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let code = Self.exitCode(status)
        exitStatus = code
        return code
    }

    private static func exitCode(_ status: Int32) -> Int32 {
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}

/// Starts the built `duet` binary in the background.
func startDuet(_ arguments: [String], environment: [String: String] = [:]) -> BackgroundProcess? {
    BackgroundProcess([productPath("duet")] + arguments, environment: environment)
}
