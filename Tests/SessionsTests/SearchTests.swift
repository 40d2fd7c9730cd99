import Foundation
import Testing
@testable import Sessions

@Suite struct SearchTests {
    @Test func findsTitlesAndMessagesWithSnippets() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let rust = try store.importConversation(title: "Rust borrow checker", messages: [
            MessageDraft(.user, "Why does the borrow checker reject this closure?"),
            MessageDraft(.assistant, "Because the closure captures a mutable reference while another borrow is alive."),
        ])
        let cooking = try store.importConversation(title: "Dinner ideas", messages: [
            MessageDraft(.user, "Something with lentils and a café-style dessert"),
        ])
        let hits = try store.search("borrow")
        #expect(hits.first?.messageId == nil)  // the title hit comes first
        #expect(hits.first?.sessionId == rust.id)
        #expect(hits.first?.snippet == "Rust [borrow] checker")
        let messageHits = hits.filter { $0.messageId != nil }
        #expect(messageHits.count == 2)
        #expect(messageHits.allSatisfy { $0.sessionId == rust.id && $0.sessionTitle == "Rust borrow checker" && $0.snippet.contains("[borrow]") })
        #expect(try store.search("lentils").map(\.sessionId) == [cooking.id])
        #expect(try store.search("lentils").first?.role == .user)
        // Diacritics are ignored; every word must match; FTS5 syntax works; invalid syntax falls back to words.
        #expect(try store.search("cafe").map(\.sessionId) == [cooking.id])
        #expect(try store.search("lentils closure").isEmpty)
        #expect(try store.search("lentils OR closure").count == 3)
        #expect(try store.search("\"mutable reference\"").count == 1)
        #expect(try store.search("borr*").count == 3)
        #expect(try store.search("closure\"(").count == 2)
        #expect(try store.search("   ").isEmpty)
        #expect(try store.search("borrow", limit: 2).count == 2)
    }

    @Test func indexFollowsStreamingEditsAndDeletes() throws {
        let dir = TemporaryDirectory()
        let store = try dir.store()
        let session = try store.createSession(title: "Streaming")
        let reply = try store.beginReply(in: session.id, parent: nil)
        reply.append("draft words")
        try reply.flush()
        #expect(try store.search("draft").count == 1)
        reply.append(" then kangaroo")
        try reply.finish(stats: nil)
        #expect(try store.search("kangaroo").count == 1)
        #expect(try store.search("draft").count == 1)

        var renamed = session
        renamed.title = "Marsupials"
        try store.updateSession(renamed)
        #expect(try store.search("Streaming").isEmpty)
        #expect(try store.search("Marsupials").count == 1)

        try store.deleteSession(id: session.id)
        #expect(try store.search("kangaroo").isEmpty)
        #expect(try store.search("Marsupials").isEmpty)
        #expect(try store.integrityProblems().isEmpty)
    }
}
