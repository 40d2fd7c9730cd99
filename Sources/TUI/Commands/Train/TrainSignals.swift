import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM ask the run to stop cleanly (checkpoint, status `stopped`) at the next step
/// boundary; a second signal exits at once.
final class TrainSignals: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var sources: [DispatchSourceSignal] = []

    /// Whether a stop was asked.
    var stopRequested: Bool { lock.withLock { count > 0 } }

    /// The name of the signal that asked, for messages.
    private(set) var signalName = ""
    /// Say nothing (ranks other than 0 of an `mpirun` job, which get the same signals as rank 0).
    let quiet: Bool

    init(quiet: Bool = false) {
        self.quiet = quiet
    }

    func install() {
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                let seen = lock.withLock { () -> Int in
                    count += 1
                    if count == 1 { signalName = name }
                    return count
                }
                if seen > 1 {
                    if quiet { exit(130) }
                    FileHandle.standardError.write(Data("duet train: second \(name), exiting without a checkpoint\n".utf8))
                    exit(130)
                }
                if quiet { return }
                FileHandle.standardError.write(Data("duet train: \(name): saving a checkpoint and stopping after this step\n".utf8))
            }
            source.resume()
            sources.append(source)
        }
    }
}
