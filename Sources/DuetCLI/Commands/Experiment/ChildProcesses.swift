import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs `duet` stages as child processes, each in its own process group, and forwards SIGINT and SIGTERM
/// to the running child. The child is outside the terminal's foreground group so that Ctrl+C reaches it
/// once, through us: `duet train` treats a second signal as "exit without a checkpoint".
final class ChildProcesses: @unchecked Sendable {
    private let lock = NSLock()
    private var child: pid_t = 0
    private var received: Int32 = 0
    private var sources: [DispatchSourceSignal] = []

    /// The signal that asked the experiment to stop, if one did.
    var interruption: Int32? { lock.withLock { received == 0 ? nil : received } }

    /// Catches SIGINT and SIGTERM (and SIGHUP, a closed terminal) for the life of the experiment.
    func installSignalForwarding() {
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                let pid = lock.withLock { () -> pid_t in
                    if received == 0 { received = number }
                    return child
                }
                // A terminal's SIGHUP means "stop" to the child as much as SIGTERM does.
                if pid > 0 { kill(pid, number == SIGHUP ? SIGTERM : number) }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Runs `argv` to completion with stdout and stderr appended to the given files; returns its exit
    /// status (128 + N when signal N ended it).
    func run(_ argv: [String], stdout: String, stderr: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        // The lock is held from spawn to recording the pid, so a signal in between is forwarded, not lost.
        let spawned: Int32 = lock.withLock {
            guard received == 0 else { return ECANCELED }
            let result = posix_spawn(&pid, argv[0], &actions, &attributes, &cArguments, environ)
            if result == 0 { child = pid }
            return result
        }
        guard spawned == 0 else {
            if spawned == ECANCELED { return 128 + (interruption ?? SIGTERM) }
            throw CommandFailure("cannot start \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        lock.withLock { child = 0 }
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// This program's own executable, which the stages run.
    static var executable: String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}
