import Foundation
@testable import Sessions
@_exported import TestSupport

extension TemporaryDirectory {
    /// Opens (creating) a store at `name` inside the directory.
    func store(_ name: String = "duet.sqlite", options: DuetStore.Options = .init()) throws -> DuetStore {
        try DuetStore.open(path: file(name), options: options)
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` seconds pass; returns whether it held.
func eventually(timeout: TimeInterval = 5, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(10_000)
    }
    return try condition()
}

/// Thread-safe collector for callbacks fired on writer queues.
final class Recorder<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Value] = []
    func append(_ value: Value) { lock.withLock { storage.append(value) } }
    var values: [Value] { lock.withLock { storage } }
}
