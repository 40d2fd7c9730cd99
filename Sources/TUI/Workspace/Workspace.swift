import Engine
import Foundation
import Sessions

/// The services the screens share: the database, the models, the engine queue and the UI event queue.
///
/// Threads: the UI thread owns every property; background work runs on `engine` (generation, one job
/// at a time: the cores belong to one model at once) or on the model loader, and reports back only
/// through `events`.
final class Workspace {
    let paths: DuetPaths
    /// nil when running without a database (unit tests of the shell, `duet bench tui`).
    let store: DuetStore?
    let events: UIEventQueue
    let models: ModelHub
    /// The engine's one worker: generations run here one after another.
    let engine = DispatchQueue(label: "duet.engine", qos: .userInitiated)
    /// The database writer for user actions (sending, votes, settings), one after another in the order
    /// they were made: a write waits for SQLite's lock (another process, e.g. a training run, may hold
    /// it) and for fsync, and the UI thread must wait for neither.
    let database = DispatchQueue(label: "duet.database", qos: .userInitiated)
    /// `max_new_tokens` when neither the chat settings nor the model's generation config set one.
    var defaultMaxTokens: Int

    init(paths: DuetPaths, store: DuetStore?, events: UIEventQueue = UIEventQueue(), modelDirectories: [String] = [],
         assetsDirectory: String = "assets", defaultMaxTokens: Int = 512, quantization: WeightQuantization? = nil) {
        self.paths = paths
        self.store = store
        self.events = events
        self.defaultMaxTokens = defaultMaxTokens
        models = ModelHub(options: modelDirectories, assets: assetsDirectory + "/models", home: paths.models,
                          store: store, events: events, quantization: quantization)
        models.rescan()
    }

    /// Runs `body` on the UI thread with the shell (from any thread).
    func onUI(_ body: @escaping (AppShell) -> Void) { events.post(.perform(body)) }

    /// Runs `work` with the store on the database queue, then `then` with its result on the UI thread.
    /// Without a database `then` gets ``ChatActionError`` "No database is open".
    func write<T>(_ work: @escaping (DuetStore) throws -> T, then: @escaping (Result<T, Error>, AppShell) -> Void) {
        guard let store else {
            onUI { then(.failure(ChatActionError("No database is open")), $0) }
            return
        }
        let events = events
        database.async {
            let result = Result { try work(store) }
            events.post(.perform { then(result, $0) })
        }
    }

    /// Waits (up to `timeout` seconds) for the writes queued so far, so they land before the process exits.
    func drainDatabase(timeout: Double) {
        let done = DispatchSemaphore(value: 0)
        database.async { done.signal() }
        _ = done.wait(timeout: .now() + timeout)
    }

    /// Waits (up to `timeout` seconds) for the engine queue to finish what it is running, so a stopped
    /// generation stores its text and status before the process exits.
    func drainEngine(timeout: Double) {
        let done = DispatchSemaphore(value: 0)
        engine.async { done.signal() }
        _ = done.wait(timeout: .now() + timeout)
    }

    /// The standard screens over this workspace, in tab order.
    func makeScreens() -> [Screen] {
        [ChatScreen(workspace: self), CompareScreen(workspace: self), TrainScreen(), ModelsScreen(workspace: self)]
    }

    /// A workspace with no database, models or assets (shell tests, benchmarks).
    static func offline(paths: DuetPaths) -> Workspace {
        Workspace(paths: paths, store: nil, assetsDirectory: paths.home + "/.no-assets")
    }
}

/// A screen with work on the engine that must stop (and be saved as stopped) when the app quits.
protocol StopsOnQuit {
    func stopForQuit()
}
