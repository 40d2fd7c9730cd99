import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Result of running a child process to completion.
struct ProcessOutput {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Spawns `argv` with posix_spawn (Foundation.Process hangs when a child forks a daemon such as the
/// tmux server), with signals unblocked (test threads block them, children inherit the mask),
/// and waits for it. stdout/stderr go to temporary files.
@discardableResult
func spawnWait(_ argv: [String], environment: [String: String] = [:], stdin: String? = nil) -> ProcessOutput {
    let dir = NSTemporaryDirectory() + "duet-spawn-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
    mkdir(dir, 0o755)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let outPath = dir + "/out", errPath = dir + "/err", inPath = dir + "/in"
    _ = FileManager.default.createFile(atPath: inPath, contents: Data((stdin ?? "").utf8))
    guard let pid = spawnChild(argv, environment: environment, stdin: inPath, stdout: outPath, stderr: errPath) else {
        return ProcessOutput(status: -1, stdout: "", stderr: "cannot spawn \(argv[0])")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return ProcessOutput(status: exitCode,
                         stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
}

/// Starts `argv` with posix_spawn, its standard streams opened on the given files, the test
/// process's environment plus `environment` (LANG defaults to C.UTF-8), and every signal unblocked
/// and at its default action. Returns the child's pid, or nil if it could not be started.
/// Children do not see the repository's bundled models (`assets/models`) unless the test passes
/// `DUET_ASSETS`: tests choose their models themselves.
func spawnChild(_ argv: [String], environment: [String: String], stdin: String, stdout: String, stderr: String) -> pid_t? {
    var fa = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&fa)
    defer { posix_spawn_file_actions_destroy(&fa) }
    posix_spawn_file_actions_addopen(&fa, 0, stdin, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&fa, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&fa, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var env = ProcessInfo.processInfo.environment
    env["LANG"] = env["LANG"] ?? "C.UTF-8"
    env["DUET_ASSETS"] = noBundledAssets
    env["DUET_HOME"] = testDuetHome  // never the user's database, unless a test passes its own home
    for (k, v) in environment { env[k] = v }
    var cargv: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
    var cenv: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (cargv + cenv).forEach { free($0) } }
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    var empty = sigset_t(), all = sigset_t()
    sigemptyset(&empty)
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attr, &empty)
    posix_spawnattr_setsigdefault(&attr, &all)
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    guard posix_spawnp(&pid, argv[0], &fa, &attr, &cargv, &cenv) == 0 else { return nil }
    return pid
}

/// The `DUET_HOME` of children that are not given one: private to this test process.
let testDuetHome = NSTemporaryDirectory() + "duet-test-home-\(getpid())"

/// Path of an executable product built next to the test bundle (`.build/<triple>/debug/`).
func productPath(_ name: String) -> String {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path) {
        dir = dir.deletingLastPathComponent()
    }
    return dir.appendingPathComponent(name).path
}

/// Runs the `duet` binary with `arguments`.
func runDuet(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> ProcessOutput {
    spawnWait([productPath("duet")] + arguments, environment: environment, stdin: stdin)
}

/// A `DUET_ASSETS` that holds nothing: no bundled models for the child.
let noBundledAssets = NSTemporaryDirectory() + "duet-test-no-assets"
