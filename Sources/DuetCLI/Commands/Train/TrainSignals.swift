import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Signals seen by the process-wide handler, counted by number (only SIGINT and SIGTERM are handled).
/// A signal handler may only touch such plain globals; `TrainSignals`' thread reads them.
nonisolated(unsafe) private var receivedSignals: (interrupt: Int32, terminate: Int32) = (0, 0)

/// SIGINT and SIGTERM ask the run to stop cleanly (checkpoint, status `stopped`) at the next step
/// boundary; a second signal exits at once.
///
/// The handler only counts; a thread of its own acts on the count. Not Dispatch: a rank that mpirun
/// binds to one core gets a one-thread pool, which other work may hold, and mpirun ends a rank one
/// second after its SIGTERM, so rank 0's save before that (``onFirstSignal``) must not wait for a pool.
final class TrainSignals: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    /// Whether a stop was asked.
    var stopRequested: Bool { lock.withLock { count > 0 } }

    /// The name of the signal that asked, for messages.
    private(set) var signalName = ""
    /// Say nothing (ranks other than 0 of an `mpirun` job, which get the same signals as rank 0).
    let quiet: Bool
    /// Run at the first signal, on the signal thread, before the stop at the step boundary: mpirun
    /// ends every rank about a second after it passes a signal on (and at once when a rank dies), too
    /// soon for the boundary, so rank 0 of a job saves the last completed step here.
    var onFirstSignal: (() -> Void)?

    init(quiet: Bool = false) {
        self.quiet = quiet
    }

    func install() {
        let handler: @convention(c) (Int32) -> Void = { number in
            if number == SIGINT { receivedSignals.interrupt &+= 1 } else { receivedSignals.terminate &+= 1 }
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        let thread = Thread { [self] in
            var seen: (interrupt: Int32, terminate: Int32) = (0, 0)
            while true {
                let now = receivedSignals
                if now.interrupt != seen.interrupt { received("SIGINT") }
                if now.terminate != seen.terminate { received("SIGTERM") }
                seen = now
                usleep(20_000)
            }
        }
        thread.name = "duet-train-signals"
        thread.start()
    }

    private func received(_ name: String) {
        let seen = lock.withLock { () -> Int in
            count += 1
            if count == 1 { signalName = name }
            return count
        }
        if seen > 1 {
            if !quiet { FileHandle.standardError.write(Data("duet train: second \(name), exiting without a checkpoint\n".utf8)) }
            exit(130)
        }
        if !quiet {
            FileHandle.standardError.write(Data("duet train: \(name): saving a checkpoint and stopping after this step\n".utf8))
        }
        onFirstSignal?()
    }
}
