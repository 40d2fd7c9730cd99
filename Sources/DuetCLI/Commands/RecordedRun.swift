import DuetCore
import Foundation
import Sessions

/// A one-shot command (`duet adapt`, `duet eval tasks`) recorded as a run, so `duet runs` and the
/// dashboard list it beside training runs: `running` while it works, then `finished` with its
/// results as metrics, or `failed` with the error. A database that cannot be opened does not stop the
/// command: it says so on stderr and works unrecorded.
struct RecordedRun {
    let store: DuetStore?
    let runId: Int64?

    /// Creates and starts the run row.
    init(global: GlobalOptions, kind: RunKind, name: String?, config: JSONValue, outputDirectory: String? = nil) {
        do {
            let store = try global.openStore()
            let run = try store.createRun(kind: kind, name: name, config: config, outputDirectory: outputDirectory)
            try store.startRun(id: run.id)
            self.store = store
            runId = run.id
        } catch {
            FileHandle.standardError.write(Data("duet: not recorded in `duet runs`: \(error)\n".utf8))
            store = nil
            runId = nil
        }
    }

    /// Runs `body`; records the outcome (and `metrics(result)` at step 0 on success).
    func run<T>(_ body: () throws -> T, metrics: (T) -> [String: Double] = { _ in [:] }) throws -> T {
        let result: T
        do {
            result = try body()
        } catch {
            if let store, let runId { _ = try? store.failRun(id: runId, error: "\(error)") }
            throw error
        }
        if let store, let runId {
            do {
                let values = metrics(result).map { Metric(runId: runId, step: 0, name: $0.key, value: $0.value) }
                if !values.isEmpty { try store.insertMetrics(values) }
                try store.finishRun(id: runId)
            } catch {
                FileHandle.standardError.write(Data("duet: cannot record the run's result: \(error)\n".utf8))
            }
        }
        return result
    }
}
