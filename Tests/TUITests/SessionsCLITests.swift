import Foundation
import Sessions
import Testing

/// `duet history ...` and `duet runs ...` on databases written through the Sessions API.
@Suite struct SessionsCLITests {
    /// A chat with a regenerated reply (two branches) and a model.
    func makeChat(_ path: String) throws -> (session: ChatSession, question: Message, first: Int64, second: Int64) {
        let store = try DuetStore.open(path: path)
        let model = try store.registerModel(path: "/models/gemma-2-2b-it", architecture: "gemma2", contentHash: "sha256:abc",
                                            label: "gemma-2-2b")
        let session = try store.createSession(title: "Rust lifetimes", modelId: model.id, systemPrompt: "Be brief.")
        let question = try store.appendMessage(to: session.id, parent: nil, role: .user, content: "Explain 'a in Rust")
        let first = try store.beginReply(in: session.id, parent: question.id)
        first.append("Too long an answer.")
        try first.stop(stats: MessageStats(promptTokens: 9, generatedTokens: 4, stopReason: .userStopped))
        let second = try store.beginReply(in: session.id, parent: question.id)
        second.append("A lifetime names the region where a reference is valid.")
        try second.finish(stats: MessageStats(promptTokens: 9, timeToFirstTokenMs: 31, decodeTokensPerSecond: 17.5,
                                              generatedTokens: 12, seed: 7, stopReason: .endOfSequence))
        try store.createSession(title: "Empty chat")
        return (session, question, first.messageId!, second.messageId!)
    }

    @Test func historyListsShowsSearchesAndExports() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("duet.sqlite")
        let chat = try makeChat(db)

        let list = try runDuet(["history", "--db", db])
        #expect(list.status == 0, "\(list.stderr)")
        let rows = list.stdout.split(separator: "\n")
        #expect(rows.first?.hasPrefix("ID  UPDATED") == true)
        #expect(rows.count == 3)
        #expect(rows[2].contains("Rust lifetimes") && rows[2].contains("gemma-2-2b") && rows[2].contains("    3  "))

        let listJSON = try runDuet(["history", "--json", "--limit", "1", "--db", db])
        let summaries = try #require(try JSONSerialization.jsonObject(with: Data(listJSON.stdout.utf8)) as? [[String: Any]])
        #expect(summaries.count == 1)
        #expect((summaries[0]["session"] as? [String: Any])?["title"] as? String == "Empty chat")

        let show = try runDuet(["history", "show", String(chat.session.id), "--db", db])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.hasPrefix("# Rust lifetimes\nsession \(chat.session.id) · gemma-2-2b · created "))
        #expect(show.stdout.contains("system: Be brief."))
        #expect(show.stdout.contains("· version 2 of 2 · 12 tokens · 17.5 tok/s · TTFT 31 ms · seed 7 · end of turn\nA lifetime names"))
        #expect(!show.stdout.contains("Too long an answer."))  // the other branch

        let showJSON = try runDuet(["history", "show", String(chat.session.id), "--json", "--db", db])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(showJSON.stdout.utf8)) as? [String: Any])
        #expect((document["messages"] as? [Any])?.count == 3)
        #expect(document["currentBranch"] as? [Int] == [Int(chat.question.id), Int(chat.second)])
        #expect((document["model"] as? [String: Any])?["contentHash"] as? String == "sha256:abc")

        let search = try runDuet(["history", "search", "reference region", "--db", db])
        #expect(search.stdout == """
            session \(chat.session.id) "Rust lifetimes" · message \(chat.second) (assistant)
                A lifetime names the [region] where a [reference] is valid.

            """)
        let titleSearch = try runDuet(["history", "search", "rust", "--json", "--order", "recency", "--db", db])
        let hits = try #require(try JSONSerialization.jsonObject(with: Data(titleSearch.stdout.utf8)) as? [[String: Any]])
        #expect(hits.first?["snippet"] as? String == "[Rust] lifetimes")
        #expect(hits.count == 2)  // the title and the question
        #expect(try runDuet(["history", "search", "zebra", "--db", db]).stdout == "No match for zebra.\n")

        let markdown = try runDuet(["history", "export", String(chat.session.id), "--format", "markdown", "--db", db])
        #expect(markdown.stdout.hasPrefix("# Rust lifetimes\n\n- Model: gemma-2-2b (gemma2, sha256:abc)\n- Created: "))
        #expect(markdown.stdout.hasSuffix("""
            - System prompt: Be brief.

            ## User

            Explain 'a in Rust

            ## Assistant

            A lifetime names the region where a reference is valid.

            *12 tokens · 17.5 tok/s · TTFT 31 ms · seed 7 · end of turn*

            """))

        let jsonl = try runDuet(["history", "export", String(chat.session.id), "--format", "jsonl", "--db", db])
        let lines = jsonl.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 4)
        #expect(lines.map { $0?["type"] as? String } == ["session", "message", "message", "message"])
        let stopped = lines.compactMap { $0?["message"] as? [String: Any] }.first { $0["status"] as? String == "stopped" }
        #expect(stopped?["content"] as? String == "Too long an answer.")
        #expect(stopped?["parentId"] as? Int == Int(chat.question.id))
    }

    @Test func runsListAndShowConfigStatusAndLastMetrics() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("duet.sqlite")
        let store = try DuetStore.open(path: db)
        let run = try store.createRun(kind: .adapt, name: "t5gemma-from-gemma", config: ["lr": 0.0003, "steps": 2000, "model": "/m/gemma"],
                                      outputDirectory: "/runs/adapt-1")
        try store.startRun(id: run.id)
        try store.insertMetrics((0..<50).flatMap { step in
            [Metric(runId: run.id, step: Int64(step), name: "loss", value: 4 - Double(step) / 25),
             Metric(runId: run.id, step: Int64(step), name: "lr", value: 0.0003)]
        })
        try store.recordCheckpoint(runId: run.id, step: 40, path: "/runs/adapt-1/step-40", evalResults: ["valLoss": 2.5])
        try store.postControlRequest(.pause, runId: run.id)
        let dead = try store.createRun(kind: .eval, config: [:])
        try store.startRun(id: dead.id, processId: 2_147_483_000)

        let list = try runDuet(["runs", "--db", db])
        #expect(list.status == 0, "\(list.stderr)")
        let rows = list.stdout.split(separator: "\n").map(String.init)
        #expect(rows.count == 3)
        #expect(rows[1].contains("eval") && rows[1].contains("lost"))
        #expect(rows[2].contains("adapt") && rows[2].contains("running") && rows[2].contains("t5gemma-from-gemma"))

        let show = try runDuet(["runs", "show", String(run.id), "--db", db])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("status:     running\n"))
        #expect(show.stdout.contains("output:     /runs/adapt-1\n"))
        #expect(show.stdout.contains("\"lr\" : 0.0003"))
        #expect(show.stdout.contains("loss    49    2.04  "))
        #expect(show.stdout.contains("/runs/adapt-1/step-40  {\"valLoss\":2.5}"))
        #expect(show.stdout.contains("pending requests: pause"))
        #expect(try runDuet(["runs", "show", String(dead.id), "--db", db]).stdout.contains("status:     lost (recorded running"))

        let json = try runDuet(["runs", "show", String(run.id), "--json", "--db", db])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let latest = try #require(document["latestMetrics"] as? [[String: Any]])
        #expect(latest.map { $0["name"] as? String } == ["loss", "lr"])
        #expect(latest.map { $0["step"] as? Int } == [49, 49])
        #expect(((document["run"] as? [String: Any])?["config"] as? [String: Any])?["steps"] as? Int == 2000)
        let runsJSON = try runDuet(["runs", "--json", "--db", db])
        #expect((try JSONSerialization.jsonObject(with: Data(runsJSON.stdout.utf8)) as? [Any])?.count == 2)
    }

    @Test func defaultDatabaseFollowsDuetHomeThenXDGDataHome() throws {
        let dir = TemporaryDirectory()
        let home = dir.file("duet-home")
        let viaDuetHome = try runDuet(["history"], environment: ["DUET_HOME": home])
        #expect(viaDuetHome.stdout == "No chats in \(home)/duet.sqlite.\n")
        #expect(FileManager.default.fileExists(atPath: home + "/duet.sqlite"))
        let xdg = dir.file("xdg")
        let viaXDG = try runDuet(["runs"], environment: ["DUET_HOME": "", "XDG_DATA_HOME": xdg])
        #expect(viaXDG.stdout == "No runs in \(xdg)/duet/duet.sqlite.\n")
    }

    @Test func badDatabasesAndMissingRecordsGiveClearErrors() throws {
        let dir = TemporaryDirectory()
        let random = dir.file("random.sqlite")
        try Data((0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }).write(to: URL(fileURLWithPath: random))
        let corrupt = try runDuet(["history", "--db", random])
        #expect(corrupt.status != 0)
        #expect(corrupt.stderr.contains("\(random) is not a Duet database: it is not an SQLite file"))

        let db = dir.file("duet.sqlite")
        _ = try makeChat(db)
        #expect(try runDuet(["history", "show", "99", "--db", db]).stderr.contains("no session with id 99"))
        #expect(try runDuet(["runs", "show", "5", "--db", db]).stderr.contains("no run with id 5"))
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: db)
        let readOnly = try runDuet(["history", "--db", db])
        #expect(readOnly.status != 0)
        #expect(readOnly.stderr.contains("\(db) is read-only"))
    }
}
