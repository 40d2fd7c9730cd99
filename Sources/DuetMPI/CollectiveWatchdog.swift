import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ends this process when one collective call has waited longer than `timeout` seconds.
///
/// A rank that dies is noticed by mpirun, which ends the others; a rank that stops answering without
/// dying (stopped, swapping for hours, cut off by the network without a TCP reset) is not, and MPI
/// collectives have no timeout: every other rank would wait forever. The watchdog turns that wait into a
/// clear error and an exit, which mpirun then turns into the end of the whole job. It exits rather than
/// calling MPI_Abort because MPI is initialised for one calling thread at a time and the stuck thread is
/// inside MPI. It checks on a thread of its own: Dispatch's pool is sized by the CPUs the process may
/// use, and a rank that mpirun binds to one core has one pool thread, busy training.
final class CollectiveWatchdog: @unchecked Sendable {
    let timeout: Double
    private let lock = NSLock()
    private var pending: (call: String, since: Double)?
    private var stopped = false
    /// Called (on the watchdog's queue) with the message before the process exits.
    var onTimeout: ((String) -> Void)?

    init(timeout: Double) {
        self.timeout = timeout
        let interval = min(1, timeout / 4)
        let thread = Thread { [weak self] in
            while let self, !self.lock.withLock({ self.stopped }) {
                self.check()
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "duet-mpi-watchdog"
        thread.start()
    }

    /// Runs `body` (one collective call) under the watchdog.
    func watch<T>(_ call: String, _ body: () throws -> T) rethrows -> T {
        lock.withLock { pending = (call, ProcessInfo.processInfo.systemUptime) }
        defer { lock.withLock { pending = nil } }
        return try body()
    }

    func stop() {
        lock.withLock { stopped = true }
    }

    private func check() {
        let stuck = lock.withLock { () -> (String, Double)? in
            guard let pending else { return nil }
            let waited = ProcessInfo.processInfo.systemUptime - pending.since
            return waited > timeout ? (pending.call, waited) : nil
        }
        guard let (call, waited) = stuck else { return }
        let message = String(format: "no answer from the other ranks for %.0f s in %@ (DUET_MPI_TIMEOUT=%.0f); ending the job",
                             waited, call, timeout)
        onTimeout?(message)
        FileHandle.standardError.write(Data("duet: \(message)\n".utf8))
        _exit(3)
    }
}
