import Foundation
import Sessions
import Testing
@testable import TUI

/// The chat screen end to end without a terminal: real models, real database, engine thread.
@Suite(.serialized) struct ChatFlowTests {
    @Test func sendsStreamsStoresRegeneratesAndBranches() throws {
        let h = try ShellHarness()
        let chat = h.chat
        #expect(h.workspace.models.chatModel?.name == "tiny-random-gemma2")
        h.send("Hello 你好 👍")
        #expect(chat.controller.isGenerating)
        #expect(chat.busyReason == "a reply is being generated")
        #expect(h.pump { !chat.controller.isBusy })
        let session = try #require(chat.controller.session)
        var stored = try h.store.conversation(in: session.id)
        #expect(stored.map(\.role) == [.user, .assistant])
        #expect(stored[0].content == "Hello 你好 👍" && session.title == "Hello 你好 👍")
        let reply = stored[1]
        #expect(reply.status == .complete && reply.content == chat.controller.branch[1].content)
        let stats = try #require(reply.stats)
        #expect(stats.generatedTokens >= 1 && stats.generatedTokens <= 24)
        #expect(stats.prefillMs != nil && stats.encodeMs == nil && stats.seed != nil)
        #expect(stats.modelHash?.hasPrefix("xxh64:") == true)
        #expect(try h.store.models().map(\.contentHash) == [stats.modelHash!])
        let text = h.screenText()
        #expect(text.contains("tiny-random-gemma2 (random weights)"))
        #expect(text.contains("TTFT ") && text.contains(" tok · "))
        #expect(text.contains("Hello 你好 👍      now · 2 msg"))

        // Regenerate: a second version of the reply; greedy decoding gives the same text again.
        h.shell.run("chat.regenerate")
        #expect(h.pump { !chat.controller.isBusy })
        stored = try h.store.messages(in: session.id)
        #expect(stored.count == 3 && stored[2].parentId == stored[0].id && stored[2].content == reply.content)
        #expect(h.screenText().contains("‹ version 2 of 2 ›"))

        // Edit the question in copy mode: a new root with its own reply (a branch).
        h.shell.run("chat.copy-mode")
        h.shell.run("copy.up")
        h.shell.run("copy.edit")
        #expect(chat.editor.text == "Hello 你好 👍")
        h.shell.handle(.paste(" again"))
        h.shell.run(EditorCommand.submit.rawValue)
        #expect(h.pump { !chat.controller.isBusy })
        let roots = try h.store.rootMessages(in: session.id)
        #expect(roots.map(\.content) == ["Hello 你好 👍", "Hello 你好 👍 again"])
        #expect(chat.controller.branch.map(\.parentId) == [nil, roots[1].id])
        // Back to the first version: its latest reply (the regenerated one) shows.
        h.shell.run("chat.copy-mode")
        h.shell.run("copy.up")
        h.shell.run("copy.previous-version")
        #expect(chat.controller.branch.map(\.id) == [stored[0].id, stored[2].id])
        h.shell.run("copy.close")

        // Reopening the session (as after a restart) shows the branch last worked on.
        let reopened = ChatController(workspace: h.workspace)
        try reopened.openLatest()
        #expect(reopened.branch.last?.parentId == roots[1].id)
    }

    @Test func escStopsTheReplyAndKeepsWhatWasGenerated() throws {
        let h = try ShellHarness(maxTokens: 6000)
        let chat = h.chat
        h.send("Write a very long answer")
        #expect(h.pump { (chat.controller.streaming?.tokens ?? 0) > 0 })
        h.shell.requestQuit()
        #expect(h.shell.overlays.count == 1 && h.shell.isRunning)  // asks while generating
        h.shell.handle(.key(KeyChord(.character("n"))))
        #expect(h.shell.overlays.isEmpty)
        h.shell.run("chat.stop")
        #expect(h.pump { !chat.controller.isBusy })
        let reply = try #require(try h.store.conversation(in: chat.controller.session!.id).last)
        #expect(reply.status == .stopped)
        #expect(!reply.content.isEmpty)
        #expect(reply.stats?.stopReason == .userStopped)
        #expect((reply.stats?.generatedTokens ?? 0) < 6000)
        #expect(h.screenText().contains("stopped · TTFT"))
        h.shell.requestQuit()
        #expect(!h.shell.isRunning)  // nothing running: quits at once
    }

    @Test func settingsSearchAndExport() throws {
        let h = try ShellHarness()
        let chat = h.chat
        h.shell.run("chat.settings")
        let form = try #require(h.shell.overlays.last as? FormOverlay)
        h.shell.handle(.paste("Answer briefly."))
        let tab = InputEvent.key(KeyChord(.tab)), enter = InputEvent.key(KeyChord(.enter))
        for _ in 0..<6 { h.shell.handle(tab) }
        h.shell.handle(.paste("7"))  // Max new tokens
        h.shell.handle(tab)
        h.shell.handle(.paste("x"))  // Seed: refused
        h.shell.handle(enter)
        #expect(form.error == "Seed must be a whole number ≥ 0")
        h.shell.handle(.key(KeyChord(.backspace)))
        h.shell.handle(.paste("99"))
        h.shell.handle(enter)
        #expect(h.shell.overlays.isEmpty, "\(form.error ?? "")")
        h.send("Tell me about apples")
        #expect(h.pump { !chat.controller.isBusy })
        let session = try #require(try h.store.session(id: chat.controller.session!.id))
        #expect(session.systemPrompt == "Answer briefly." && session.sampling?.maxNewTokens == 7 && session.sampling?.seed == 99)
        let stats = try #require(try h.store.conversation(in: session.id).last?.stats)
        #expect(stats.seed == 99 && stats.generatedTokens <= 7)
        // The system prompt is folded into the first user turn by the Gemma template.
        #expect(chat.controller.chatMessages(upTo: chat.controller.branch[0].id).map(\.role) == [.system, .user])

        // A second chat with the encoder-decoder model...
        h.shell.run("chat.new")
        let t5 = try #require(h.workspace.models.entries.first { $0.name == "tiny-random-t5gemma" })
        h.workspace.models.selectForChat(t5.path)
        h.send("Pears are different")
        #expect(h.pump { !chat.controller.isBusy })
        #expect(try h.store.conversation(in: chat.controller.session!.id).last?.stats?.encodeMs != nil)
        h.shell.run("chat.sessions")
        h.shell.run("sessions.search")
        h.shell.handle(.paste("apples"))
        #expect(chat.sessions.rows.map(\.title) == ["Tell me about apples"])
        h.shell.run("list.select")
        #expect(chat.controller.session?.id == session.id)
        // ...and opening the first chat again switches back to the model it used.
        #expect(h.workspace.models.chatModel?.name == "tiny-random-gemma2")
        #expect(h.screenText(width: 200).contains("This chat used tiny-random-gemma2 (random weights): switched to it"))

        h.shell.run("chat.export")
        let exported = try String(contentsOfFile: h.directory.path + "/exports/chat-\(session.id).md", encoding: .utf8)
        #expect(exported.hasPrefix("# Tell me about apples\n"))
        #expect(exported.contains("## Assistant (tiny-random-gemma2 (random weights))"))
    }
}
