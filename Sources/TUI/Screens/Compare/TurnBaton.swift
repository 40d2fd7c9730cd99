import Foundation

/// Lets several threads take turns, one at a time, in a fixed rotation: an interleaved comparison
/// runs each model's generation on its own thread and passes the turn after every token, so the two
/// streams advance side by side while only one model computes at any moment (the cores are not split).
final class TurnBaton: @unchecked Sendable {
    private let condition = NSCondition()
    private var turn = 0
    private var finished: Set<Int> = []
    let participants: Int

    init(participants: Int) { self.participants = participants }

    /// Blocks until it is `participant`'s turn.
    func wait(_ participant: Int) {
        condition.lock()
        while turn != participant { condition.wait() }
        condition.unlock()
    }

    /// Gives the turn to the next participant that has not finished (keeps it when all others have).
    func pass(from participant: Int) {
        condition.lock()
        advance(from: participant)
        condition.unlock()
    }

    /// `participant` is done: it leaves the rotation, passing the turn if it held it.
    func finish(_ participant: Int) {
        condition.lock()
        finished.insert(participant)
        if turn == participant { advance(from: participant) }
        condition.unlock()
    }

    /// Passes the turn, then waits for it to come back (one step of the rotation).
    func yield(_ participant: Int) {
        pass(from: participant)
        wait(participant)
    }

    private func advance(from participant: Int) {
        for step in 1...participants {
            let next = (participant + step) % participants
            if !finished.contains(next) {
                turn = next
                condition.broadcast()
                return
            }
        }
    }
}
