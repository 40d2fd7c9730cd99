import GRDB

/// The database schema: versioned migrations keyed on `PRAGMA user_version`.
///
/// Version N means migrations 1...N have been applied. Migrations run inside one IMMEDIATE
/// transaction, so two processes opening a new file at the same time cannot both apply them
/// (the second waits for the lock, then finds nothing to do). Migrations are frozen once released:
/// change the schema only by appending a migration.
enum Schema {
    struct Migration: Sendable {
        let version: Int
        let name: String
        let sql: String
    }

    /// All migrations, in order; `migrations[i].version == i + 1`.
    static let migrations: [Migration] = [
        Migration(version: 1, name: "chats", sql: chats),
        Migration(version: 2, name: "chat search", sql: chatSearch),
        Migration(version: 3, name: "comparisons", sql: comparisons),
        Migration(version: 4, name: "runs", sql: runs),
        Migration(version: 5, name: "generation owners", sql: generationOwners),
        Migration(version: 6, name: "added model directories", sql: addedModelDirectories),
        Migration(version: 7, name: "run MFU reference", sql: runMFUReference),
    ]

    /// The schema version this build of Duet writes.
    static var currentVersion: Int { migrations.count }

    /// The stored schema version.
    static func version(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
    }

    /// Whether the file holds tables although Duet never stamped a version on it.
    static func hasForeignTables(_ db: Database) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'") ?? 0 > 0
    }

    /// Refuses files Duet must not touch: another program's database or a newer Duet's.
    static func checkCompatible(_ db: Database, path: String) throws {
        let found = try version(db)
        if found > currentVersion {
            throw SessionsError.newerSchema(path: path, found: found, supported: currentVersion)
        }
        if found == 0, try hasForeignTables(db) {
            throw SessionsError.notADuetDatabase(path: path)
        }
    }

    /// Applies the migrations after the stored version, up to `target`, in one IMMEDIATE transaction.
    static func migrate(_ writer: some DatabaseWriter, path: String, upTo target: Int = currentVersion) throws {
        precondition((0...currentVersion).contains(target), "unknown schema version \(target)")
        try writer.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try checkCompatible(db, path: path)
                let found = try version(db)
                guard found < target else { return .commit }
                for migration in migrations[found..<target] {
                    try db.execute(sql: migration.sql)
                }
                // user_version cannot be bound as a parameter; target is an Int, so this is safe.
                try db.execute(sql: "PRAGMA user_version = \(target)")
                if try Row.fetchOne(db, sql: "PRAGMA foreign_key_check") != nil {
                    throw SessionsError.corrupt(path: path, detail: "foreign key violations after migrating to version \(target)")
                }
                return .commit
            }
        }
    }
}

extension Schema {
    /// Columns of `messageStats` and `comparisonEntryStats` (one generation's measurements).
    static let statsColumnsSQL = """
        promptTokens INTEGER NOT NULL,
        encoderTokens INTEGER,
        encodeMs REAL,
        prefillMs REAL,
        timeToFirstTokenMs REAL,
        decodeTokensPerSecond REAL,
        generatedTokens INTEGER NOT NULL,
        seed INTEGER,
        sampling TEXT CHECK (sampling IS NULL OR json_valid(sampling)),
        stopReason TEXT,
        modelHash TEXT,
        engineThreads INTEGER,
        blasThreads INTEGER,
        engineVersion TEXT
        """

    // Times are REAL seconds since 1970 (UTC); JSON columns hold compact JSON text.

    static let chats = """
        CREATE TABLE model (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            architecture TEXT NOT NULL,
            parameterCount INTEGER,
            contentHash TEXT NOT NULL UNIQUE,
            label TEXT,
            registeredAt REAL NOT NULL
        );
        CREATE TABLE chatSession (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            modelId INTEGER REFERENCES model(id) ON DELETE SET NULL,
            systemPrompt TEXT,
            sampling TEXT CHECK (sampling IS NULL OR json_valid(sampling)),
            createdAt REAL NOT NULL,
            updatedAt REAL NOT NULL
        );
        CREATE INDEX chatSession_updatedAt ON chatSession(updatedAt);
        CREATE INDEX chatSession_modelId ON chatSession(modelId);
        CREATE TABLE message (
            id INTEGER PRIMARY KEY,
            sessionId INTEGER NOT NULL REFERENCES chatSession(id) ON DELETE CASCADE,
            parentId INTEGER REFERENCES message(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
            content TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('streaming', 'complete', 'stopped', 'failed')),
            error TEXT,
            createdAt REAL NOT NULL,
            updatedAt REAL NOT NULL
        );
        CREATE INDEX message_sessionId ON message(sessionId, id);
        CREATE INDEX message_parentId ON message(parentId);
        CREATE TABLE messageStats (
            messageId INTEGER PRIMARY KEY REFERENCES message(id) ON DELETE CASCADE,
        \(statsColumnsSQL)
        );
        """

    /// FTS5 indexes over message content and session titles, kept in sync by triggers
    /// (external-content tables: the text is stored once, in `message` and `chatSession`).
    static let chatSearch = """
        CREATE VIRTUAL TABLE messageSearch USING fts5(
            content, content='message', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
        CREATE TRIGGER messageSearch_ai AFTER INSERT ON message BEGIN
            INSERT INTO messageSearch(rowid, content) VALUES (new.id, new.content);
        END;
        CREATE TRIGGER messageSearch_ad AFTER DELETE ON message BEGIN
            INSERT INTO messageSearch(messageSearch, rowid, content) VALUES ('delete', old.id, old.content);
        END;
        CREATE TRIGGER messageSearch_au AFTER UPDATE OF content ON message BEGIN
            INSERT INTO messageSearch(messageSearch, rowid, content) VALUES ('delete', old.id, old.content);
            INSERT INTO messageSearch(rowid, content) VALUES (new.id, new.content);
        END;
        INSERT INTO messageSearch(messageSearch) VALUES ('rebuild');

        CREATE VIRTUAL TABLE chatSessionSearch USING fts5(
            title, content='chatSession', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
        CREATE TRIGGER chatSessionSearch_ai AFTER INSERT ON chatSession BEGIN
            INSERT INTO chatSessionSearch(rowid, title) VALUES (new.id, new.title);
        END;
        CREATE TRIGGER chatSessionSearch_ad AFTER DELETE ON chatSession BEGIN
            INSERT INTO chatSessionSearch(chatSessionSearch, rowid, title) VALUES ('delete', old.id, old.title);
        END;
        CREATE TRIGGER chatSessionSearch_au AFTER UPDATE OF title ON chatSession BEGIN
            INSERT INTO chatSessionSearch(chatSessionSearch, rowid, title) VALUES ('delete', old.id, old.title);
            INSERT INTO chatSessionSearch(rowid, title) VALUES (new.id, new.title);
        END;
        INSERT INTO chatSessionSearch(chatSessionSearch) VALUES ('rebuild');
        """

    static let comparisons = """
        CREATE TABLE comparison (
            id INTEGER PRIMARY KEY,
            prompt TEXT NOT NULL,
            systemPrompt TEXT,
            labelsHidden INTEGER NOT NULL CHECK (labelsHidden IN (0, 1)),
            voteKind TEXT CHECK (voteKind IN ('winner', 'tie', 'bothBad')),
            voteWinner INTEGER CHECK (voteWinner IS NULL OR voteKind = 'winner'),
            votedAt REAL,
            createdAt REAL NOT NULL
        );
        CREATE INDEX comparison_createdAt ON comparison(createdAt);
        CREATE TABLE comparisonEntry (
            id INTEGER PRIMARY KEY,
            comparisonId INTEGER NOT NULL REFERENCES comparison(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            modelId INTEGER NOT NULL REFERENCES model(id),
            sampling TEXT CHECK (sampling IS NULL OR json_valid(sampling)),
            output TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL CHECK (status IN ('pending', 'streaming', 'complete', 'stopped', 'failed')),
            error TEXT,
            updatedAt REAL NOT NULL,
            UNIQUE (comparisonId, position)
        );
        CREATE INDEX comparisonEntry_modelId ON comparisonEntry(modelId);
        CREATE TABLE comparisonEntryStats (
            entryId INTEGER PRIMARY KEY REFERENCES comparisonEntry(id) ON DELETE CASCADE,
        \(statsColumnsSQL)
        );
        """

    static let runs = """
        CREATE TABLE run (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('pretrain', 'adapt', 'sft', 'eval')),
            name TEXT,
            config TEXT NOT NULL CHECK (json_valid(config)),
            status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'finished', 'failed', 'stopped')),
            processId INTEGER,
            hostName TEXT,
            heartbeatAt REAL,
            outputDirectory TEXT,
            createdAt REAL NOT NULL,
            startedAt REAL,
            endedAt REAL,
            error TEXT
        );
        CREATE INDEX run_createdAt ON run(createdAt);
        CREATE TABLE metric (
            runId INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            step INTEGER NOT NULL,
            name TEXT NOT NULL,
            value REAL,
            wallTime REAL NOT NULL
        );
        CREATE INDEX metric_series ON metric(runId, name, step);
        CREATE TABLE checkpoint (
            id INTEGER PRIMARY KEY,
            runId INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            step INTEGER NOT NULL,
            path TEXT NOT NULL,
            contentHash TEXT,
            evalResults TEXT CHECK (evalResults IS NULL OR json_valid(evalResults)),
            createdAt REAL NOT NULL,
            UNIQUE (runId, step)
        );
        CREATE TABLE controlRequest (
            id INTEGER PRIMARY KEY,
            runId INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            action TEXT NOT NULL CHECK (action IN ('pause', 'resume', 'stop', 'checkpoint')),
            requestedAt REAL NOT NULL,
            acknowledgedAt REAL,
            note TEXT
        );
        CREATE INDEX controlRequest_runId ON controlRequest(runId, acknowledgedAt);
        """

    /// Which process generates a streaming text, so a reader can tell a killed writer at once
    /// (``GenerationOwner``).
    static let generationOwners = """
        ALTER TABLE message ADD COLUMN ownerPid INTEGER;
        ALTER TABLE message ADD COLUMN ownerHost TEXT;
        ALTER TABLE comparisonEntry ADD COLUMN ownerPid INTEGER;
        ALTER TABLE comparisonEntry ADD COLUMN ownerHost TEXT;
        """

    /// Model directories the user added by path (the Models screen's `i`), kept across restarts. By path,
    /// not by weights: a directory is listed before it was ever loaded, and when it is gone.
    /// The sgemm peak a run's MFU divides by (``MFUReference``).
    static let runMFUReference = """
        ALTER TABLE run ADD COLUMN mfuPeakGflops REAL;
        ALTER TABLE run ADD COLUMN mfuPeakMethod TEXT;
        ALTER TABLE run ADD COLUMN mfuPeakMeasuredAt REAL;
        ALTER TABLE run ADD COLUMN mfuPeakCpuShare REAL;
        """

    static let addedModelDirectories = """
        CREATE TABLE addedModelDirectory (
            path TEXT PRIMARY KEY,
            addedAt REAL NOT NULL
        );
        """
}
