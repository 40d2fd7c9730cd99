import Foundation

/// Where a training step's time goes, by kind of work, for `duet bench train --profile`: each
/// instrumented call adds its wall time, excluding the calls nested in it (the LM head's GEMM counts as
/// a GEMM, not twice). Off unless a bench turns it on; off, an instrumented call costs one branch.
///
/// Calls are timed on the thread that started the profile: the engine's layer code runs on one thread
/// and hands work to its pool inside the kernels, so a kernel's time includes its workers and any
/// hand-off wait; calls the workers make themselves are not timed again.
public enum StepProfile {
    /// The kinds of work a step is split into.
    public enum Kind: String, CaseIterable, Sendable {
        case gemmForward = "GEMM forward (projections, MLP, LM head)"
        case gemmBackward = "GEMM backward (dX and dW)"
        case attentionForward = "attention forward (scores, softmax, P·V)"
        case attentionBackward = "attention backward"
        case norms = "RMSNorm forward and backward"
        case elementwise = "elementwise (GeGLU, soft-cap, residual adds, RoPE)"
        case embedding = "embedding lookup and its gradient"
        case loss = "cross-entropy and its gradient"
        case optimizer = "AdamW update and gradient clipping"
        case allReduce = "gradient all-reduce"
    }

    nonisolated(unsafe) private static var enabled = false
    nonisolated(unsafe) private static var totals: [Kind: Double] = [:]
    nonisolated(unsafe) private static var stack: [(kind: Kind, start: Double, nested: Double)] = []
    /// The thread that started collecting: the one that runs the steps.
    nonisolated(unsafe) private static var owner = pthread_self()

    /// Starts collecting calls made on this thread (clearing what was collected).
    public static func start() {
        totals = [:]
        stack = []
        owner = pthread_self()
        enabled = true
    }

    /// Stops collecting and returns seconds per kind.
    public static func stop() -> [Kind: Double] {
        enabled = false
        return totals
    }

    /// Starts timing a call of `kind` (when collecting, on the main thread); pair with ``end(_:)`` in a
    /// `defer`: `let timed = StepProfile.begin(.norms); defer { StepProfile.end(timed) }`.
    @inline(__always)
    static func begin(_ kind: Kind) -> Bool {
        guard enabled, pthread_equal(pthread_self(), owner) != 0 else { return false }
        stack.append((kind, ProcessInfo.processInfo.systemUptime, 0))
        return true
    }

    /// Ends the call ``begin(_:)`` started: its time minus nested calls goes to its kind.
    @inline(__always)
    static func end(_ began: Bool) {
        guard began, !stack.isEmpty else { return }
        let frame = stack.removeLast()
        let elapsed = ProcessInfo.processInfo.systemUptime - frame.start
        totals[frame.kind, default: 0] += elapsed - frame.nested
        if !stack.isEmpty { stack[stack.count - 1].nested += elapsed }
    }
}
