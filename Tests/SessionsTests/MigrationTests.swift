import DuetCore
import Foundation
import GRDB
import Testing
@testable import Sessions

@Suite struct MigrationTests {
    static let allTables: Set<String> = [
        "model", "chatSession", "message", "messageStats", "messageSearch", "chatSessionSearch",
        "comparison", "comparisonEntry", "comparisonEntryStats", "run", "metric", "checkpoint", "controlRequest",
        "addedModelDirectory",
    ]

    @Test func emptyFileMigratesToTheCurrentSchema() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let tables = try store.read { db in
            Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
        }
        #expect(Self.allTables.isSubset(of: tables))
        #expect(try store.storedSchemaVersion() == Schema.migrations.count)
        #expect(Schema.migrations.map(\.version) == Array(1...Schema.migrations.count))
    }

    /// Builds a database at every earlier version, fills it with what that version can hold, then opens
    /// it with the current Duet: the data must survive and the new features must work on it.
    @Test(arguments: 0..<Schema.currentVersion)
    func migratesFromEarlierVersion(_ version: Int) throws {
        let dir = TemporaryDirectory()
        let path = dir.file("v\(version).sqlite")
        do {
            let old = try DuetStore.open(path: path, access: .readWrite, options: .init(), schemaVersion: version)
            #expect(try old.storedSchemaVersion() == version)
            if version >= 1 {
                let model = try old.registerModel(path: "/m/gemma", architecture: "gemma2", contentHash: "h1")
                let session = try old.createSession(title: "Kafka on the shore", modelId: model.id,
                                                    sampling: SamplingParameters(temperature: 0.7))
                let question = try old.appendMessage(to: session.id, parent: nil, role: .user, content: "Who is Nakata?")
                try old.appendMessage(to: session.id, parent: question.id, role: .assistant, content: "An old man who talks to cats")
            }
            if version >= 3 {
                let model2 = try old.registerModel(path: "/m/t5", architecture: "t5gemma", contentHash: "h2")
                let comparison = try old.createComparison(prompt: "hi", labelsHidden: true,
                                                          contenders: [Contender(modelId: 1), Contender(modelId: model2.id)])
                try old.setVote(.winner(position: 1), forComparison: comparison.id)
            }
            try old.close()
        }
        let store = try DuetStore.open(path: path)
        #expect(try store.storedSchemaVersion() == Schema.currentVersion)
        #expect(try store.integrityProblems().isEmpty)
        if version >= 1 {
            let sessions = try store.sessions()
            #expect(sessions.map(\.session.title) == ["Kafka on the shore"])
            #expect(sessions.first?.session.sampling == SamplingParameters(temperature: 0.7))
            #expect(try store.conversation(in: sessions[0].session.id).map(\.content) == ["Who is Nakata?", "An old man who talks to cats"])
            // Messages written before the search index existed are indexed by the migration.
            #expect(try store.search("cats").compactMap(\.messageId).count == 1)
            #expect(try store.search("Kafka").first?.messageId == nil)
        }
        if version >= 3 {
            #expect(try store.comparisons().first?.vote == .winner(position: 1))
        }
        // Features of later versions work on the migrated file.
        let run = try store.createRun(kind: .sft, config: ["lr": 1e-4])
        try store.insertMetrics([Metric(runId: run.id, step: 1, name: "loss", value: 2)])
        #expect(try store.latestMetrics(runId: run.id).map(\.value) == [2])
        try store.addModelDirectory("/m/added")
        #expect(try store.addedModelDirectories().map(\.path) == ["/m/added"])
    }

    @Test func reopeningAppliesNoMigrationAgain() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("d.sqlite")
        let schema = { (store: DuetStore) in
            try store.read { db in try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name") }
        }
        let first = try DuetStore.open(path: path)
        try first.createSession(title: "one")
        let before = try schema(first)
        try first.close()
        let second = try DuetStore.open(path: path)
        #expect(try schema(second) == before)
        #expect(try second.sessionCount() == 1)
        #expect(try second.storedSchemaVersion() == Schema.currentVersion)
    }
}
