import Foundation
import GRDB
import Testing
@testable import Sessions

@Suite struct OpeningTests {
    @Test func newDatabaseIsCreatedWithWALForeignKeysBusyTimeoutAndCurrentSchema() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("nested/deeper/duet.sqlite")
        let store = try DuetStore.open(path: path, options: .init(busyTimeout: 7))
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try store.storedSchemaVersion() == DuetStore.schemaVersion)
        // The writer connection: the one that waits for other processes' locks.
        let (mode, foreignKeys, timeout, synchronous) = try store.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"),
             try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
             try Int.fetchOne(db, sql: "PRAGMA busy_timeout"),
             try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(foreignKeys == 1)
        #expect(timeout == 7000)
        #expect(synchronous == 2)  // FULL
        #expect(try store.integrityProblems().isEmpty)
    }

    @Test func randomBytesAreRefusedWithAClearErrorAndLeftUntouched() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("random.sqlite")
        var generator = SystemRandomNumberGenerator()
        let bytes = Data((0..<65_536).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(throws: SessionsError.notADatabase(path: path)) { try DuetStore.open(path: path) }
        #expect(throws: SessionsError.notADatabase(path: path)) { try DuetStore.open(path: path, access: .readOnly) }
        #expect(SessionsError.notADatabase(path: path).description.contains("not an SQLite file"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func damagedDatabaseIsReportedCorrupt() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("damaged.sqlite")
        do {
            let store = try DuetStore.open(path: path)
            try store.createSession(title: "soon damaged")
            try store.close()
        }
        // Keep the 100-byte header valid, scramble the rest of page 1 (the schema).
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: 100)
        handle.write(Data((100..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }))
        try handle.close()
        let error = #expect(throws: SessionsError.self) { try DuetStore.open(path: path) }
        guard case .corrupt(let errorPath, _)? = error else {
            Issue.record("expected .corrupt, got \(String(describing: error))")
            return
        }
        #expect(errorPath == path)
        #expect(error?.description.contains("is damaged") == true)
    }

    @Test func readOnlyFileIsRefusedForWritingButReadableReadOnly() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("ro.sqlite")
        do {
            let store = try DuetStore.open(path: path)
            try store.createSession(title: "kept safe")
            try store.close()
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: SessionsError.readOnly(path: path)) { try DuetStore.open(path: path) }
        #expect(SessionsError.readOnly(path: path).description.contains("read-only"))

        let reader = try DuetStore.open(path: path, access: .readOnly)
        #expect(try reader.sessions().map(\.session.title) == ["kept safe"])
        #expect(throws: SessionsError.readOnly(path: path)) { try reader.createSession(title: "nope") }
        try reader.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func newerSchemaIsRefusedAndTheFileIsNotModified() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("future.sqlite")
        do {
            let store = try DuetStore.open(path: path)
            try store.createSession(title: "from the future")
            try store.write { db in try db.execute(sql: "PRAGMA user_version = \(DuetStore.schemaVersion + 1)") }
            try store.close()
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let expected = SessionsError.newerSchema(path: path, found: DuetStore.schemaVersion + 1, supported: DuetStore.schemaVersion)
        #expect(throws: expected) { try DuetStore.open(path: path) }
        #expect(throws: expected) { try DuetStore.open(path: path, access: .readOnly) }
        #expect(expected.description.contains("newer Duet"))
        #expect(expected.description.contains("not modified"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func anotherProgramsDatabaseIsRefusedAndLeftInItsJournalMode() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("other.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in try db.execute(sql: "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hi')") }
            try queue.close()
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: SessionsError.notADuetDatabase(path: path)) { try DuetStore.open(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        let mode = try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "delete")
    }

    @Test func missingFilesAndDirectoriesGiveClearErrors() throws {
        let dir = TemporaryDirectory()
        let missing = dir.file("missing.sqlite")
        #expect(throws: SessionsError.fileNotFound(path: missing)) { try DuetStore.open(path: missing, access: .readOnly) }
        #expect(!FileManager.default.fileExists(atPath: missing))
        #expect(throws: SessionsError.cannotOpen(path: dir.path, detail: "it is a directory")) { try DuetStore.open(path: dir.path) }
        // An empty file is a new database.
        _ = FileManager.default.createFile(atPath: dir.file("empty.sqlite"), contents: Data())
        #expect(try dir.store("empty.sqlite").storedSchemaVersion() == DuetStore.schemaVersion)
    }

    @Test func readOnlyAccessRefusesAnOlderSchema() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("old.sqlite")
        try DuetStore.open(path: path, access: .readWrite, options: .init(), schemaVersion: 2).close()
        let expected = SessionsError.olderSchema(path: path, found: 2, supported: DuetStore.schemaVersion)
        #expect(throws: expected) { try DuetStore.open(path: path, access: .readOnly) }
    }

    @Test func defaultPathFollowsDuetHomeThenXDGThenHome() {
        #expect(DuetPaths.resolve(environment: ["DUET_HOME": "/d", "XDG_DATA_HOME": "/x", "HOME": "/h"]).database == "/d/duet.sqlite")
        #expect(DuetPaths.resolve(environment: ["DUET_HOME": "~/duet", "HOME": "/h"]).database == "/h/duet/duet.sqlite")
        #expect(DuetPaths.resolve(environment: ["DUET_HOME": "", "XDG_DATA_HOME": "/x", "HOME": "/h"]).database == "/x/duet/duet.sqlite")
        #expect(DuetPaths.resolve(environment: ["XDG_DATA_HOME": "relative", "HOME": "/h"]).database == "/h/.local/share/duet/duet.sqlite")
        #expect(DuetPaths.resolve(environment: ["HOME": "/h"]).database == "/h/.local/share/duet/duet.sqlite")
    }

    @Test func storesOnOneFileFromManyThreadsMigrateOnceAndSeeEachOthersWrites() async throws {
        let dir = TemporaryDirectory()
        let path = dir.file("shared.sqlite")
        // Stores of one file in one process share one pool (SharedPools); their writes queue in it.
        let stores = try await withThrowingTaskGroup(of: DuetStore.self) { group in
            for _ in 0..<4 { group.addTask { try DuetStore.open(path: path) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(try stores.allSatisfy { try $0.storedSchemaVersion() == DuetStore.schemaVersion })
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask { for n in 0..<25 { try store.createSession(title: "store \(index) #\(n)") } }
            }
            try await group.waitForAll()
        }
        for store in stores { #expect(try store.sessionCount() == 100) }
    }
}

/// One pool per database file per process: a second open of the file, by any path, shares the first
/// one's connections (a second, independent open and close of the file would drop this process's
/// SQLite locks and let another process delete the WAL under it).
@Suite struct SharedPoolTests {
    @Test func storesOfOneFileShareOnePoolByAnyPathAndCloseIndependently() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("one.sqlite")
        let first = try DuetStore.open(path: path)
        try first.createSession(title: "kept")
        try FileManager.default.createSymbolicLink(atPath: dir.file("link.sqlite"), withDestinationPath: path)
        let second = try DuetStore.open(path: dir.file("link.sqlite"))
        let reader = try DuetStore.open(path: path, access: .readOnly)
        #expect(first.pool === second.pool && first.pool === reader.pool)
        try second.close()
        #expect(throws: SessionsError.closed(path: dir.file("link.sqlite"))) { try second.sessionCount() }
        #expect(try first.sessionCount() == 1)  // the pool outlives a store that closed
        try first.close()
        #expect(try reader.sessions().map(\.session.title) == ["kept"])
        #expect(throws: SessionsError.readOnly(path: path)) { try reader.createSession(title: "no") }
        try reader.close()
        let again = try DuetStore.open(path: path)  // all closed: a fresh pool, checked again
        #expect(again.pool !== first.pool)
        #expect(try again.sessionCount() == 1)
    }

    @Test func aReadOnlyPoolDoesNotServeAWriter() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("ro-first.sqlite")
        try DuetStore.open(path: path).close()
        let reader = try DuetStore.open(path: path, access: .readOnly)
        let writer = try DuetStore.open(path: path)
        #expect(reader.pool !== writer.pool)
        try writer.createSession(title: "written")
        #expect(try reader.sessionCount() == 1)
    }
}
