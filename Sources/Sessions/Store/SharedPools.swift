import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// One SQLite connection pool per database file per process.
///
/// Why: POSIX advisory locks belong to the process, not to a file descriptor, and closing *any*
/// descriptor of a file drops *every* lock the process holds on it. If a process that has the database
/// open through SQLite opens the same file a second time outside SQLite's own bookkeeping (a header
/// check, a second library) and closes it, SQLite's locks vanish; the next process that closes the
/// database believes it is the last connection, checkpoints and deletes the `-wal` and `-shm` files,
/// and this process goes on writing into unlinked files: everything written from then on is lost and
/// the database ends up malformed (SQLite's "How To Corrupt An SQLite Database File", section 2.2).
///
/// So every ``DuetStore`` of a file shares one pool, found here by the file's device and inode (any
/// path spelling, symlink or hard link reaches the same entry), and the only non-SQLite look at a
/// database file, ``DuetStore``'s header check, runs solely while no pool of this process has that
/// file open. The registry's lock is held across an open, so two threads cannot race past that check.
final class SharedPools: @unchecked Sendable {
    static let shared = SharedPools()

    /// A database file, as the kernel names it.
    struct FileIdentity: Hashable {
        let device: UInt64
        let inode: UInt64

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    /// A pool and how many open stores use it.
    final class Lease: @unchecked Sendable {
        let pool: DatabasePool
        let identity: FileIdentity
        let readOnly: Bool
        fileprivate var users = 0

        fileprivate init(pool: DatabasePool, identity: FileIdentity, readOnly: Bool) {
            self.pool = pool
            self.identity = identity
            self.readOnly = readOnly
        }
    }

    private let lock = NSRecursiveLock()
    private var leases: [FileIdentity: [Lease]] = [:]

    /// Whether a pool of this process has the file at `path` open.
    func isOpen(path: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard let identity = FileIdentity(path: path) else { return false }
        return leases[identity]?.isEmpty == false
    }

    /// Runs `body` with the registry locked: no other thread opens or closes a pool meanwhile.
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock(); defer { lock.unlock() }
        return try body()
    }

    /// The open pool of the file at `path` that suits `readOnly` (a writable pool serves readers too),
    /// taken for one more user; nil if there is none. Call inside ``withLock(_:)``.
    func take(path: String, readOnly: Bool) -> Lease? {
        guard let identity = FileIdentity(path: path),
              let lease = leases[identity]?.first(where: { readOnly || !$0.readOnly }) else { return nil }
        lease.users += 1
        return lease
    }

    /// Registers a pool this process just opened on `path`, taken for its first user. Call inside
    /// ``withLock(_:)``; the file exists once its pool is open.
    func register(_ pool: DatabasePool, path: String, readOnly: Bool) -> Lease? {
        guard let identity = FileIdentity(path: path) else { return nil }
        let lease = Lease(pool: pool, identity: identity, readOnly: readOnly)
        lease.users = 1
        leases[identity, default: []].append(lease)
        return lease
    }

    /// One user is done with `lease`; the last one closes the pool.
    func release(_ lease: Lease) throws {
        lock.lock(); defer { lock.unlock() }
        lease.users -= 1
        guard lease.users == 0 else { return }
        leases[lease.identity]?.removeAll { $0 === lease }
        if leases[lease.identity]?.isEmpty == true { leases[lease.identity] = nil }
        try lease.pool.close()
    }
}
