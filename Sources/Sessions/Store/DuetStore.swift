import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// Duet's database: chats, comparisons, runs and their metrics in one SQLite file.
///
/// A store is `Sendable`: share it between threads. Every store of one file in one process uses the
/// same SQLite connection pool (see ``SharedPools``: a second, independent open of the file would drop
/// the process's locks and let another process delete the WAL under it); its ``Options/busyTimeout`` is
/// the first opener's. Several processes may open the same file: SQLite's WAL mode lets any number of
/// readers run while one process writes, and writers wait for each other up to the busy timeout.
///
/// ```swift
/// let store = try DuetStore.open(path: DuetPaths.resolve().database)
/// let session = try store.createSession(title: "Rust lifetimes")
/// let question = try store.appendMessage(to: session.id, parent: nil, role: .user, content: "Explain 'a")
/// let reply = try store.beginReply(in: session.id, parent: question.id)
/// reply.append("A lifetime ")           // buffered; written at least once per second
/// try reply.finish(stats: stats)
/// ```
///
/// Every method throws ``SessionsError``.
public final class DuetStore: Sendable {
    /// How a store behaves; the defaults suit the TUI and the trainer.
    public struct Options: Sendable {
        /// How long a write waits for another process's lock before failing with ``SessionsError/busy(path:)``.
        /// (Reads in WAL mode do not wait for writers; in the rare cases they must, GRDB waits up to 10 s.)
        public var busyTimeout: TimeInterval
        /// A `running`/`paused` run without a heartbeat for this long is reported as ``RunStatus/lost``.
        public var staleRunAfter: TimeInterval
        /// A `streaming` reply not updated for this long is reported as ``GenerationStatus/interrupted``.
        public var staleReplyAfter: TimeInterval

        public init(busyTimeout: TimeInterval = 10, staleRunAfter: TimeInterval = 60, staleReplyAfter: TimeInterval = 15) {
            self.busyTimeout = busyTimeout
            self.staleRunAfter = staleRunAfter
            self.staleReplyAfter = staleReplyAfter
        }
    }

    /// Whether the store may write.
    public enum Access: Sendable {
        /// Creates the file (and its directory) if needed and migrates it to the current schema.
        case readWrite
        /// Never creates, migrates or writes; the file must exist at the current schema version.
        case readOnly
    }

    /// The schema version this build reads and writes.
    public static var schemaVersion: Int { Schema.currentVersion }

    /// Path of the database file.
    public let path: String
    public let access: Access
    public let options: Options
    /// This process's one pool of the file, shared with every other store of it (see ``SharedPools``).
    private let lease: SharedPools.Lease
    private let state = CloseState()
    var pool: DatabasePool { lease.pool }

    /// Whether ``close()`` was called (guarded: stores are used from many threads).
    private final class CloseState: @unchecked Sendable {
        private let lock = NSLock()
        private var closed = false
        /// Marks the store closed; true if it was open.
        func close() -> Bool { lock.lock(); defer { lock.unlock() }; defer { closed = true }; return !closed }
        var isClosed: Bool { lock.lock(); defer { lock.unlock() }; return closed }
    }

    private init(path: String, access: Access, options: Options, lease: SharedPools.Lease) {
        self.path = path
        self.access = access
        self.options = options
        self.lease = lease
    }

    deinit {
        if state.close() { try? SharedPools.shared.release(lease) }
    }

    /// Opens (and with `.readWrite` creates and migrates) the database at `path`.
    ///
    /// Refuses, without modifying the file: random bytes (``SessionsError/notADatabase(path:)``), another
    /// program's SQLite database, a database from a newer Duet, and a read-only file opened `.readWrite`.
    public static func open(path: String, access: Access = .readWrite, options: Options = Options()) throws(SessionsError) -> DuetStore {
        try open(path: path, access: access, options: options, schemaVersion: Schema.currentVersion)
    }

    /// Opens the default database for `environment` (see ``DuetPaths``).
    public static func open(defaultFor environment: [String: String] = ProcessInfo.processInfo.environment,
                            access: Access = .readWrite, options: Options = Options()) throws(SessionsError) -> DuetStore {
        try open(path: DuetPaths.resolve(environment: environment).database, access: access, options: options)
    }

    /// Opens and migrates up to `schemaVersion` (tests build databases of earlier versions with this).
    static func open(path: String, access: Access, options: Options, schemaVersion: Int) throws(SessionsError) -> DuetStore {
        do {
            return try SharedPools.shared.withLock { () throws(SessionsError) -> DuetStore in
                try openLocked(path: path, access: access, options: options, schemaVersion: schemaVersion)
            }
        } catch let error as SessionsError {
            throw error
        } catch {
            throw SessionsError.wrap(error, path: path)
        }
    }

    /// ``open(path:access:options:schemaVersion:)`` with the pool registry locked.
    private static func openLocked(path: String, access: Access, options: Options, schemaVersion: Int) throws(SessionsError) -> DuetStore {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && isDirectory.boolValue { throw .cannotOpen(path: path, detail: "it is a directory") }
        if exists && access == .readWrite && !isWritableFile(path) { throw .readOnly(path: path) }

        let lease: SharedPools.Lease
        if exists, let shared = SharedPools.shared.take(path: path, readOnly: access == .readOnly) {
            lease = shared  // checked and migrated when it was opened; the header check must not run now
        } else {
            if exists {
                // A pool of the other access mode may be open: then the header was checked already, and a
                // non-SQLite open/close of the file now would drop that pool's locks.
                if !SharedPools.shared.isOpen(path: path) { try inspectExistingFile(path: path, options: options) }
            } else {
                if access == .readOnly { throw .fileNotFound(path: path) }
                let directory = (path as NSString).deletingLastPathComponent
                do {
                    try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory,
                                                            withIntermediateDirectories: true)
                } catch {
                    throw .cannotOpen(path: path, detail: "cannot create directory \(directory): \(error.localizedDescription)")
                }
            }
            let pool: DatabasePool
            do {
                pool = try DatabasePool(path: path, configuration: configuration(access: access, options: options))
            } catch {
                throw SessionsError.wrap(error, path: path)
            }
            guard let registered = SharedPools.shared.register(pool, path: path, readOnly: access == .readOnly) else {
                try? pool.close()
                throw .cannotOpen(path: path, detail: "the file vanished while it was being opened")
            }
            lease = registered
        }
        let store = DuetStore(path: path, access: access, options: options, lease: lease)
        switch access {
        case .readWrite:
            do {
                // fsync the WAL at every commit, so a finished reply or metrics batch survives power loss too.
                // (GRDB sets NORMAL when it opens the pool; the pool has one writer connection, so this sticks.)
                try store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
                try Schema.migrate(store.pool, path: path, upTo: schemaVersion)
                // Replies whose process was killed read as interrupted; store them so (once per file).
                if schemaVersion == Schema.currentVersion { try store.settleInterruptedGenerations() }
            } catch {
                throw SessionsError.wrap(error, path: path)
            }
        case .readOnly:
            let found = try store.read { db in try Schema.checkCompatible(db, path: path); return try Schema.version(db) }
            if found < Schema.currentVersion {
                throw .olderSchema(path: path, found: found, supported: Schema.currentVersion)
            }
        }
        return store
    }

    /// Closes this store: later calls on it fail. The process's pool of the file closes with its last store.
    public func close() throws(SessionsError) {
        guard state.close() else { return }
        do { try SharedPools.shared.release(lease) } catch { throw SessionsError.wrap(error, path: path) }
    }

    /// The schema version stored in the file.
    public func storedSchemaVersion() throws(SessionsError) -> Int {
        try read { try Schema.version($0) }
    }

    /// Runs SQLite's `PRAGMA integrity_check` and FTS5's own check; returns the problems found (empty if none).
    public func integrityProblems() throws(SessionsError) -> [String] {
        var problems = try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" } }
        for table in ["messageSearch", "chatSessionSearch"] where access == .readWrite {
            do {
                // FTS5's integrity-check is a write-shaped command; it changes nothing when the index is sound.
                try write { db in try db.execute(sql: "INSERT INTO \(table)(\(table)) VALUES ('integrity-check')") }
            } catch {
                problems.append("\(table): \(error)")
            }
        }
        return problems
    }

    /// Runs `body` while this process holds the database's write lock (an immediate transaction that
    /// changes nothing): every other writer, in any process, waits until `body` returns. For maintenance
    /// windows and for tests of how Duet behaves while another process writes.
    public func withWriteLock<T>(_ body: () throws -> T) throws(SessionsError) -> T {
        try write { _ in try body() }
    }

    // MARK: - Internals

    /// Runs `body` in a read transaction (a consistent snapshot), mapping errors.
    func read<T>(_ body: (Database) throws -> T) throws(SessionsError) -> T {
        if state.isClosed { throw .closed(path: path) }
        do { return try pool.read(body) } catch { throw SessionsError.wrap(error, path: path) }
    }

    /// Runs `body` in an IMMEDIATE write transaction, mapping errors.
    func write<T>(_ body: (Database) throws -> T) throws(SessionsError) -> T {
        if state.isClosed { throw .closed(path: path) }
        if access == .readOnly { throw .readOnly(path: path) }
        do { return try pool.write(body) } catch { throw SessionsError.wrap(error, path: path) }
    }

    private static func configuration(access: Access, options: Options) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = access == .readOnly
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(options.busyTimeout)
        configuration.label = "Duet"
        return configuration
    }

    /// Read-only look at an existing file before any connection that could change it is opened.
    private static func inspectExistingFile(path: String, options: Options) throws(SessionsError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .cannotOpen(path: path, detail: "permission denied")
        }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        if header.isEmpty { return }  // an empty file is a new database to SQLite
        guard header == Data("SQLite format 3\0".utf8) else { throw .notADatabase(path: path) }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(options.busyTimeout)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.read { db in try Schema.checkCompatible(db, path: path) }
            try queue.close()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN {
            return  // e.g. a WAL file needs recovery a read-only connection cannot do: the writer will
        } catch {
            throw SessionsError.wrap(error, path: path)
        }
    }

    /// Writable by permission bits (so root too respects a file marked read-only) and by access(2).
    private static func isWritableFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let writeBits = mode_t(S_IWUSR) | mode_t(S_IWGRP) | mode_t(S_IWOTH)
        return info.st_mode & writeBits != 0 && Glibc.access(path, W_OK) == 0
    }
}

/// This machine's host name (for telling whether a run's process can be checked locally).
func currentHostName() -> String {
    var buffer = [UInt8](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
    return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
}
