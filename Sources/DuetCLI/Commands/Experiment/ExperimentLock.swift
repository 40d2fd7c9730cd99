import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on an experiment directory (`DIR/.lock`, flock), so that two invocations never run
/// stages in the same directory at once. The descriptor is deliberately inherited by the stages' child
/// processes: if this process is killed outright (SIGKILL) while a stage runs, the orphaned stage still
/// holds the lock, and a rerun waits for nothing and says so instead of training the same run twice.
struct ExperimentLock {
    private let descriptor: Int32

    /// Takes the lock or throws, naming the directory.
    init(directory: String) throws {
        let path = directory + "/.lock"
        // No O_CLOEXEC: the children inherit it (see above).
        descriptor = open(path, O_RDWR | O_CREAT, 0o644)
        guard descriptor >= 0 else { throw CommandFailure("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw CommandFailure("another mini-replication (or one of its stages) is still running in \(directory); "
                                 + "wait for it or stop it, then run the command again")
        }
    }
}
