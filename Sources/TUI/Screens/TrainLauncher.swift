import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The settings of a run started from the dashboard: what `duet train` is given.
struct TrainLaunchRequest: Equatable {
    var name: String?
    var model: String
    var objective: String
    var data: String
    var out: String
    var steps: Int
    var batch: Int
    var sequenceLength: Int
    var targetLength: Int?
    var learningRate: Double
    var warmup: Int
    /// Encoder-decoder adaptation: train only cross-attention for the first steps.
    var crossAttentionWarmup: Int
    /// Adaptation with distillation (prefixlm): the teacher model directory.
    var distillFrom: String?
    var evalEvery: Int
    var checkpointEvery: Int
    var database: String

    /// `duet train ...` arguments (without the executable).
    var arguments: [String] {
        var a = ["train", "--model", model, "--objective", objective, "--data", data, "--out", out,
                 "--steps", String(steps), "--batch", String(batch), "--seq-len", String(sequenceLength),
                 "--lr", String(learningRate), "--warmup", String(warmup),
                 "--eval-every", String(evalEvery), "--checkpoint-every", String(checkpointEvery), "--db", database]
        if let targetLength { a += ["--target-len", String(targetLength)] }
        if crossAttentionWarmup > 0 { a += ["--warmup-cross-attn", String(crossAttentionWarmup)] }
        if let distillFrom { a += ["--distill-from", distillFrom] }
        if let name { a += ["--name", name] }
        return a
    }
}

/// A failure to start `duet train`.
struct TrainLaunchError: Error, CustomStringConvertible {
    let description: String
}

/// Starts `duet train` detached from the UI: in a session of its own (`POSIX_SPAWN_SETSID`, so neither
/// the terminal's hang-up nor Ctrl+C in the UI reaches it), with stdin from /dev/null and stdout and
/// stderr appended to `train.log` in the run directory, and default signal handling. Quitting the UI
/// leaves the run going; the dashboard follows it through the database like any other run.
enum TrainLauncher {
    /// glibc's value (spawn.h); Swift's Glibc module does not export the macro.
    static let spawnSetSessionFlag: Int32 = 0x80

    /// This process's executable (`/proc/self/exe`), so the run uses the same build as the UI.
    static func currentExecutable() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 { return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return CommandLine.arguments[0]
    }

    /// Starts the run and returns its process id. `onExit` is called (on a background thread) with the
    /// exit code, or 128 + signal, when the process ends while the UI is still running.
    static func launch(_ request: TrainLaunchRequest, executable: String = currentExecutable(),
                       onExit: @escaping (Int32) -> Void = { _ in }) throws -> pid_t {
        do {
            try FileManager.default.createDirectory(atPath: request.out, withIntermediateDirectories: true)
        } catch {
            throw TrainLaunchError(description: "cannot create \(request.out): \(error.localizedDescription)")
        }
        let logPath = (request.out as NSString).appendingPathComponent(TrainLog.fileName)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | spawnSetSessionFlag))
        let argv = [executable] + request.arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "dumb"  // no terminal: plain progress lines in the log
        var cEnvironment: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, &cArguments, &cEnvironment)
        guard status == 0 else {
            throw TrainLaunchError(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        let child = pid
        // Reap it when it ends (no zombie while the UI runs); after the UI quits, init adopts it.
        Thread.detachNewThread {
            var waitStatus: Int32 = 0
            while waitpid(child, &waitStatus, 0) == -1 && errno == EINTR {}
            onExit((waitStatus & 0x7f) == 0 ? (waitStatus >> 8) & 0xff : 128 + (waitStatus & 0x7f))
        }
        return child
    }
}
