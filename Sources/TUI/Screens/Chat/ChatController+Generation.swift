import DuetCLI
import DuetCore
import Engine
import Foundation
import Sessions
import Tokenizers

/// Sending, regenerating, editing and stopping: the user message is stored at once, the reply is
/// generated on the engine queue and streamed into the transcript and (through a `ReplyWriter`, at
/// least once a second) into the database.
extension ChatController {
    /// Why the chat cannot generate now (no model, model failed), or nil.
    func generationBlocker() -> String? {
        if store == nil { return "No database is open" }
        if isGenerating { return "A reply is still being generated — Esc stops it" }
        if saving { return "Still saving the last message…" }
        guard let model = workspace.models.chatModel else { return "No model selected" }
        if let error = model.loadError { return "\(model.name) failed to load: \(error)" }
        return nil
    }

    /// Sends `text` as a user message after the branch on screen (or, while editing, as a new version
    /// of the edited message), then generates the reply. The session, the message and the empty reply
    /// are written on the database queue (the UI thread never waits for the database); `saved` runs on
    /// the UI thread once the message is stored, with the error if it could not be (nothing was stored).
    func send(_ text: String, saved: @escaping (Error?, AppShell) -> Void) throws {
        if let blocker = generationBlocker() { throw ChatActionError(blocker) }
        let model = workspace.models.chatModel!
        let parent: Int64?
        if let edited = editing, let message = tree[edited] { parent = message.parentId } else { parent = leaf }
        let existing = session
        let title = Self.title(forFirstMessage: text)
        let (systemPrompt, sampling, modelId) = (draftSystemPrompt, draftSampling, model.record?.id)
        saving = true
        workspace.write({ store -> StoredTurn in
            let chat = try existing ?? store.createSession(title: title, modelId: modelId, systemPrompt: systemPrompt, sampling: sampling)
            let message = try store.appendMessage(to: chat.id, parent: parent, role: .user, content: text)
            return StoredTurn(session: chat, message: message, reply: Result { try store.beginReply(in: chat.id, parent: message.id) })
        }) { [weak self] result, shell in
            guard let self else { return }
            saving = false
            switch result {
            case .success(let turn):
                adopt(turn.session)
                editing = nil
                insert(turn.message)
                switch turn.reply {
                case .success(let writer): startReply(after: turn.message, writer: writer)
                case .failure(let error):
                    // The message is stored (not handed back: sending it again would store it twice).
                    rebuildTranscript()
                    shell.showNotice("Your message is saved but the reply could not start: \(error) — Ctrl+R tries again",
                                     now: TUIApp.clock())
                }
                saved(nil, shell)
            case .failure(let error):
                saved(error, shell)
            }
        }
    }

    /// What `send` stores: the session (new or existing), the user message and the reply's writer.
    private struct StoredTurn {
        var session: ChatSession
        var message: Message
        var reply: Result<ReplyWriter, Error>
    }

    /// Generates a new version of the reply `replyId` (default: the last reply of the branch).
    func regenerate(_ replyId: Int64? = nil) throws {
        if let blocker = generationBlocker() { throw ChatActionError(blocker) }
        let target = replyId.flatMap { tree[$0] } ?? branch.last { $0.role == .assistant }
        guard let target, target.role == .assistant, let parentId = target.parentId, let parent = tree[parentId],
              let session else {
            throw ChatActionError("Nothing to regenerate yet")
        }
        saving = true
        workspace.write({ try $0.beginReply(in: session.id, parent: parent.id) }) { [weak self] result, shell in
            guard let self else { return }
            saving = false
            switch result {
            case .success(let writer): startReply(after: parent, writer: writer)
            case .failure(let error): shell.showNotice("Could not start the reply: \(error)", now: TUIApp.clock())
            }
        }
    }

    /// Stops the reply being generated (the text so far is kept and marked stopped).
    func stop() { streaming?.cancel.cancel() }

    /// Shows the stored empty reply under `userMessage` and generates it once the model is ready.
    private func startReply(after userMessage: Message, writer: ReplyWriter) {
        guard let session, let model = workspace.models.chatModel, let replyId = writer.messageId else {
            workspace.database.async { try? writer.fail("no model to generate with") }
            return
        }
        let placeholder = Message(id: replyId, sessionId: session.id, parentId: userMessage.id, role: .assistant,
                                  content: "", status: .streaming, error: nil, createdAt: Date(), updatedAt: Date(), stats: nil)
        streaming = StreamingReply(messageId: replyId, cancel: CancellationFlag(), modelName: model.displayName,
                                   started: TUIApp.clock(), waiting: "waiting for \(model.name) to load…")
        insert(placeholder)
        rebuildTranscript()
        let conversation = chatMessages(upTo: userMessage.id)
        let stored = session.sampling
        if model.loaded != nil {
            run(writer: writer, conversation: conversation, stored: stored, model: model)
        } else {
            workspace.models.load(model.path)
            pendingStart = { [weak self] entry in
                guard let self, entry.path == model.path else { return false }
                if let error = entry.loadError {
                    let reason = "model failed to load: \(error)"
                    workspace.database.async { try? writer.fail(reason) }
                    finish(replyId, status: .failed, stats: nil, error: reason)
                } else {
                    run(writer: writer, conversation: conversation, stored: stored, model: entry)
                }
                return true
            }
        }
    }

    /// The branch up to `messageId` as chat turns: the system prompt first, consecutive turns of one
    /// role merged (the template needs user/model alternation), empty replies skipped.
    func chatMessages(upTo messageId: Int64) -> [ChatMessage] {
        var turns: [ChatMessage] = []
        if let system = systemPrompt, !system.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            turns.append(ChatMessage(role: .system, content: system))
        }
        for message in tree.path(to: messageId) where message.role != .system && !message.content.isEmpty {
            let role: ChatMessage.Role = message.role == .user ? .user : .model
            if let last = turns.last, last.role == role {
                turns[turns.count - 1].content += "\n\n" + message.content
            } else if role == .model && turns.allSatisfy({ $0.role == .system }) {
                continue  // a reply with no question before it cannot open a Gemma conversation
            } else {
                turns.append(ChatMessage(role: role, content: message.content))
            }
        }
        return turns
    }

    /// Queues the generation on the engine; its text, stats and end come back as UI events.
    private func run(writer: ReplyWriter, conversation: [ChatMessage], stored: SamplingParameters?, model: ModelEntry) {
        guard let loaded = model.loaded, let replyId = writer.messageId, let cancel = streaming?.cancel else { return }
        rememberModel(model.record, name: model.displayName)
        setSessionModel(model.record?.id)
        streaming?.waiting = "waiting for the engine…"
        transcript.setFooter(footer(for: tree[replyId]!), of: replyId)
        let requested = GenerationSettings.resolve(stored, model: loaded, defaultMaxTokens: workspace.defaultMaxTokens)
        let hash = model.record?.contentHash
        let events = workspace.events
        workspace.engine.async { [weak self] in
            events.post(.perform { _ in self?.started(replyId) })
            var sampling = requested
            do {
                let prompt = try StreamingGeneration.encode(conversation, for: loaded)
                sampling = try StreamingGeneration.fitted(requested, promptTokens: prompt.count, model: loaded)
                let result = try StreamingGeneration.run(loaded, prompt: prompt, sampling: sampling, cancel: cancel) { delta, count in
                    writer.append(delta)
                    events.post(.perform { _ in self?.received(delta, tokens: count, for: replyId) })
                }
                let stats = GenerationSettings.stats(result.stats, architecture: loaded.model.architecture, sampling: sampling, modelHash: hash)
                let stopped = result.stats.stopReason == .cancelled
                var saveError: String?
                do { if stopped { try writer.stop(stats: stats) } else { try writer.finish(stats: stats) } } catch { saveError = "\(error)" }
                events.post(.perform { shell in
                    self?.finish(replyId, status: stopped ? .stopped : .complete, stats: stats, error: nil)
                    if let saveError { shell.showNotice("Could not save the reply: \(saveError)", now: TUIApp.clock()) }
                })
            } catch {
                let reason = "\(error)"
                try? writer.fail(reason)
                events.post(.perform { _ in self?.finish(replyId, status: .failed, stats: nil, error: reason) })
            }
        }
    }

    private func started(_ replyId: Int64) {
        guard streaming?.messageId == replyId else { return }
        streaming?.waiting = nil
        streaming?.started = TUIApp.clock()
        transcript.setFooter(footer(for: tree[replyId]!), of: replyId)
    }

    private func received(_ delta: String, tokens: Int, for replyId: Int64) {
        guard streaming?.messageId == replyId else { return }
        streaming?.tokens = tokens
        updateMessage(replyId) { $0.content += delta }
        transcript.append(delta, to: replyId)
        transcript.setFooter(footer(for: tree[replyId]!), of: replyId)
    }

    func finish(_ replyId: Int64, status: GenerationStatus, stats: MessageStats?, error: String?) {
        if streaming?.messageId == replyId { streaming = nil }
        updateMessage(replyId) {
            $0.status = status
            $0.stats = stats
            $0.error = error
        }
        if let message = tree[replyId] {
            transcript.setFooter(footer(for: message), of: replyId)
            transcript.setHeader(header(for: message), of: replyId)
        }
    }

    /// Called when a model finished loading: starts a reply that was waiting for it.
    func modelLoaded(_ entry: ModelEntry) {
        if let pending = pendingStart, pending(entry) { pendingStart = nil }
    }

    /// Refreshes the live footer (elapsed time) of the streaming reply; called once a second.
    func tick() {
        guard let s = streaming, let message = tree[s.messageId] else { return }
        transcript.setFooter(footer(for: message), of: s.messageId)
    }
}

/// A chat action that cannot run now; the message says why (shown in the status bar).
struct ChatActionError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
