import DuetCore
import Foundation
import Testing
@testable import Sessions

@Suite struct ChatTests {
    @Test func modelsAreKeyedByContentHash() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let first = try store.registerModel(path: "/models/a", architecture: "gemma2", parameterCount: 2_614_341_888,
                                            contentHash: "sha256:aa", label: "gemma-2-2b")
        #expect(first.displayName == "gemma-2-2b")
        // Same weights moved elsewhere: same record, new path, label kept.
        let moved = try store.registerModel(path: "/elsewhere/a", architecture: "gemma2", contentHash: "sha256:aa")
        #expect(moved.id == first.id)
        #expect(moved.path == "/elsewhere/a")
        #expect(moved.label == "gemma-2-2b")
        #expect(moved.parameterCount == 2_614_341_888)
        let other = try store.registerModel(path: "/models/t5gemma-s", architecture: "t5gemma", contentHash: "sha256:bb")
        #expect(other.displayName == "t5gemma-s")
        try store.setLabel("tiny", forModel: other.id)
        #expect(try store.model(contentHash: "sha256:bb")?.label == "tiny")
        #expect(try store.models().count == 2)
        #expect(throws: SessionsError.notFound(kind: "model", id: 99)) { try store.setLabel("x", forModel: 99) }
        #expect(throws: SessionsError.invalidArgument("a model needs a content hash")) {
            try store.registerModel(path: "/x", architecture: "gemma2", contentHash: "")
        }
    }

    @Test func sessionsRoundTripAndListMostRecentFirst() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let model = try store.registerModel(path: "/m", architecture: "gemma2", contentHash: "h")
        let sampling = SamplingParameters(temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repetitionPenalty: 1.1,
                                          maxNewTokens: 256, seed: UInt64.max, stopSequences: ["</s>"])
        let a = try store.createSession(title: "first", modelId: model.id, systemPrompt: "Be brief.", sampling: sampling)
        let b = try store.createSession(title: "second")
        #expect(try store.session(id: a.id) == a)
        #expect(a.sampling == sampling)
        try store.appendMessage(to: a.id, parent: nil, role: .user, content: "hello")
        let list = try store.sessions()
        #expect(list.map(\.session.id) == [a.id, b.id])  // a was updated last
        #expect(list[0].messageCount == 1)
        #expect(list[0].model == model)
        #expect(list[1].model == nil)
        #expect(try store.sessions(limit: 1, offset: 1).map(\.session.id) == [b.id])

        var renamed = b
        renamed.title = "renamed"
        renamed.systemPrompt = "You are terse."
        let saved = try store.updateSession(renamed)
        #expect(saved.title == "renamed")
        #expect(saved.updatedAt >= b.updatedAt)
        #expect(try store.sessions().first?.session.id == b.id)

        try store.deleteSession(id: a.id)
        #expect(try store.session(id: a.id) == nil)
        #expect(try store.messages(in: a.id).isEmpty)
        #expect(throws: SessionsError.notFound(kind: "session", id: a.id)) { try store.deleteSession(id: a.id) }
        #expect(throws: SessionsError.notFound(kind: "model", id: 42)) { try store.createSession(title: "x", modelId: 42) }
    }

    @Test func editsAndRegenerationsMakeBranches() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let session = try store.createSession(title: "branches")
        let u1 = try store.appendMessage(to: session.id, parent: nil, role: .user, content: "What is 2+2?")
        let a1 = try store.appendMessage(to: session.id, parent: u1.id, role: .assistant, content: "5")
        // Regenerate the reply: a sibling of a1.
        let a2 = try store.appendMessage(to: session.id, parent: u1.id, role: .assistant, content: "4")
        let u2 = try store.appendMessage(to: session.id, parent: a2.id, role: .user, content: "And 3+3?")
        // Edit the first question: a new root.
        let u1edit = try store.appendMessage(to: session.id, parent: nil, role: .user, content: "What is 2*2?")
        let a3 = try store.appendMessage(to: session.id, parent: u1edit.id, role: .assistant, content: "4 as well")

        #expect(try store.rootMessages(in: session.id).map(\.id) == [u1.id, u1edit.id])
        #expect(try store.children(of: u1.id).map(\.id) == [a1.id, a2.id])
        #expect(try store.children(of: u2.id).isEmpty)
        #expect(try store.path(to: u2.id).map(\.id) == [u1.id, a2.id, u2.id])
        #expect(try store.latestLeaf(in: session.id)?.id == a3.id)
        #expect(try store.conversation(in: session.id).map(\.content) == ["What is 2*2?", "4 as well"])
        #expect(try store.messages(in: session.id).count == 6)
        #expect(try store.message(id: a1.id)?.parentId == u1.id)
        #expect(throws: SessionsError.notFound(kind: "message", id: 999)) { try store.path(to: 999) }

        let other = try store.createSession(title: "other")
        #expect(try store.conversation(in: other.id).isEmpty)
        #expect(throws: SessionsError.invalidArgument("message \(u1.id) belongs to session \(session.id), not \(other.id)")) {
            try store.appendMessage(to: other.id, parent: u1.id, role: .user, content: "cross-session parent")
        }
        #expect(throws: SessionsError.notFound(kind: "session", id: 12345)) {
            try store.appendMessage(to: 12345, parent: nil, role: .user, content: "no session")
        }
        #expect(throws: SessionsError.notFound(kind: "session", id: 12345)) { try store.conversation(in: 12345) }
    }

    @Test func importedConversationsAreLinearBranches() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let session = try store.importConversation(title: "imported", systemPrompt: "sys", messages: [
            MessageDraft(.user, "q1"), MessageDraft(.assistant, "r1"), MessageDraft(.user, "q2"), MessageDraft(.assistant, "r2"),
        ])
        let conversation = try store.conversation(in: session.id)
        #expect(conversation.map(\.content) == ["q1", "r1", "q2", "r2"])
        #expect(conversation.map(\.role) == [.user, .assistant, .user, .assistant])
        #expect(conversation.allSatisfy { $0.status == .complete && $0.stats == nil })
        #expect(zip(conversation.dropFirst(), conversation).allSatisfy { $0.parentId == $1.id })
    }

    @Test func jsonValuesRoundTripThroughText() throws {
        let value: JSONValue = ["lr": 3e-4, "steps": 1000, "name": "sft", "tags": ["a", nil, true], "nested": ["x": -1]]
        #expect(try JSONValue(parsing: value.jsonText()) == value)
        #expect(value.jsonText() == #"{"lr":0.0003,"name":"sft","nested":{"x":-1},"steps":1000,"tags":["a",null,true]}"#)
        struct Config: Codable, Equatable { var lr: Double; var steps: Int }
        let config = Config(lr: 0.001, steps: 10)
        #expect(try JSONValue(encoding: config).decode(Config.self) == config)
        #expect(value["steps"] == .int(1000))
    }
}
