import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Something another thread asks the UI to do. Engine generation and database polling post these;
/// the UI thread applies them between frames, so they never touch ncurses or screen state themselves.
public enum AppEvent {
    /// Show a short message in the status bar.
    case notice(String)
    /// Deliver a payload to one screen (`Screen.receive`), e.g. a generated text delta.
    case toScreen(ScreenID, Any)
    /// Run a closure on the UI thread with the shell.
    case perform((AppShell) -> Void)
}

/// A thread-safe queue of `AppEvent`s with a wake-up pipe: `post` from any thread; the UI thread polls
/// `wakeFD` together with the terminal and calls `drain` when it is readable. Posting many events before
/// the UI wakes costs one pipe byte, and the UI applies them all before drawing one frame.
public final class UIEventQueue {
    private let lock = NSLock()
    private var pending: [AppEvent] = []
    private var signalled = false
    /// Read end: becomes readable when events are waiting (or a resize signal arrived).
    public let wakeFD: Int32
    /// Write end, also given to the SIGWINCH handler.
    public let signalFD: Int32

    public init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        } else {
            fds = [-1, -1]
        }
        wakeFD = fds[0]
        signalFD = fds[1]
    }

    deinit {
        if wakeFD >= 0 { close(wakeFD) }
        if signalFD >= 0 { close(signalFD) }
    }

    /// Queues an event and wakes the UI thread. Safe from any thread.
    public func post(_ event: AppEvent) {
        lock.lock()
        pending.append(event)
        let mustSignal = !signalled
        signalled = true
        lock.unlock()
        if mustSignal { wake() }
    }

    /// Wakes the UI thread without an event.
    public func wake() {
        var byte: UInt8 = 1
        _ = write(signalFD, &byte, 1)  // a full pipe already guarantees a wake-up: ignore EAGAIN
    }

    /// Empties the pipe and returns the queued events, oldest first (UI thread).
    public func drain() -> [AppEvent] {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(wakeFD, &buffer, buffer.count) > 0 {}
        lock.lock()
        defer { lock.unlock() }
        signalled = false
        let events = pending
        pending.removeAll(keepingCapacity: true)
        return events
    }
}
