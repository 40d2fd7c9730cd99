import Dispatch
import Foundation

/// Writes a model's text to the database while it is generated, so a crash keeps what was shown.
///
/// ``append(_:)`` only buffers (it never waits for the disk, so it is safe in a decode loop); the text
/// is written on a background queue no later than ``flushInterval`` after it arrived. ``finish(stats:)``,
/// ``stop(stats:)`` or ``fail(_:stats:)`` write the final text, status and stats in one transaction.
/// One writer per reply; call it from one thread at a time (the flushes happen on its own queue).
public final class ReplyWriter: @unchecked Sendable {
    /// What is being written.
    public enum Target: Sendable, Hashable {
        /// An assistant message of a chat.
        case message(id: Int64)
        /// One side of a comparison.
        case comparisonEntry(id: Int64)
    }

    public let target: Target
    /// Longest time appended text stays only in memory.
    public let flushInterval: TimeInterval

    private let store: DuetStore
    private let onFlush: (@Sendable (_ savedCharacters: Int) -> Void)?
    private let queue: DispatchQueue
    private let lock = NSLock()
    // State below is guarded by `lock`.
    private var buffer = ""
    private var dirty = false
    private var flushScheduled = false
    private var lastFlush = DispatchTime.now()
    private var finished = false
    private var error: SessionsError?

    init(store: DuetStore, target: Target, flushInterval: TimeInterval,
         onFlush: (@Sendable (_ savedCharacters: Int) -> Void)?) {
        self.store = store
        self.target = target
        self.flushInterval = flushInterval
        self.onFlush = onFlush
        self.queue = DispatchQueue(label: "duet.reply-writer")
    }

    /// The id of the chat message, if the target is one.
    public var messageId: Int64? {
        if case .message(let id) = target { return id }
        return nil
    }

    /// Everything appended so far.
    public var text: String { lock.withLock { buffer } }

    /// The error of the last background flush that failed, if any (the next flush retries).
    public var flushError: SessionsError? { lock.withLock { error } }

    /// Adds generated text. Returns at once; the text reaches the database within ``flushInterval``.
    public func append(_ delta: String) {
        guard !delta.isEmpty else { return }
        let delay: Double? = lock.withLock {
            guard !finished else { return nil }
            buffer += delta
            dirty = true
            guard !flushScheduled else { return nil }
            flushScheduled = true
            let due = lastFlush.uptimeNanoseconds &+ UInt64(flushInterval * 1e9)
            let now = DispatchTime.now().uptimeNanoseconds
            return due > now ? Double(due - now) / 1e9 : 0
        }
        guard let delay else { return }
        queue.asyncAfter(deadline: .now() + delay) { [self] in
            lock.withLock { flushScheduled = false }
            _ = try? writePending()
        }
    }

    /// Writes the buffered text now and waits for it.
    public func flush() throws(SessionsError) {
        try onQueue { () throws(SessionsError) in try writePending() }
    }

    /// Ends the reply normally: final text, status `complete`, and `stats`.
    public func finish(stats: MessageStats?) throws(SessionsError) {
        try end(status: .complete, stats: stats, error: nil)
    }

    /// Ends the reply because the user stopped it: the text so far, status `stopped`, and `stats`.
    public func stop(stats: MessageStats?) throws(SessionsError) {
        try end(status: .stopped, stats: stats, error: nil)
    }

    /// Ends the reply because generation failed: the text so far, status `failed`, and the reason.
    public func fail(_ reason: String, stats: MessageStats? = nil) throws(SessionsError) {
        try end(status: .failed, stats: stats, error: reason)
    }

    private func end(status: GenerationStatus, stats: MessageStats?, error reason: String?) throws(SessionsError) {
        try onQueue { () throws(SessionsError) in
            lock.lock()
            if finished {
                lock.unlock()
                throw SessionsError.invalidArgument("this reply was already finished")
            }
            finished = true
            dirty = false
            let text = buffer
            lock.unlock()
            do throws(SessionsError) {
                try store.finishGeneration(target, text: text, status: status, stats: stats, error: reason)
            } catch {
                lock.withLock { finished = false; dirty = true }  // let the caller retry
                throw error
            }
        }
    }

    /// Writes the buffer if it changed since the last write. Runs on `queue`.
    private func writePending() throws(SessionsError) {
        let snapshot: String? = lock.withLock {
            guard dirty && !finished else { return nil }
            dirty = false
            lastFlush = DispatchTime.now()
            return buffer
        }
        guard let snapshot else { return }
        do throws(SessionsError) {
            try store.writeStreamingText(target, text: snapshot)
            lock.withLock { error = nil }
            onFlush?(snapshot.count)
        } catch {
            lock.withLock { self.error = error; dirty = true }
            throw error
        }
    }

    private func onQueue(_ body: () throws(SessionsError) -> Void) throws(SessionsError) {
        var failure: SessionsError?
        queue.sync {
            do throws(SessionsError) { try body() } catch { failure = error }
        }
        if let failure { throw failure }
    }
}
