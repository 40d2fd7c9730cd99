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

/// Turns stored chat settings into engine sampling parameters.
enum GenerationSettings {
    /// The session's settings over the model's generation_config.json defaults over greedy decoding;
    /// `seed` nil picks a random seed (the one used is stored with the reply).
    static func resolve(_ stored: Sessions.SamplingParameters?, model: LoadedModel?, defaultMaxTokens: Int) -> Engine.SamplingParameters {
        let generation = model?.generationConfig
        var p = Engine.SamplingParameters(maxTokens: defaultMaxTokens)
        if generation?.doSample == true {
            p.temperature = generation?.temperature ?? 1
            p.topK = generation?.topK ?? 0
            p.topP = generation?.topP ?? 1
        }
        if let m = generation?.maxNewTokens { p.maxTokens = m }
        if let s = stored {
            if let v = s.temperature { p.temperature = Float(v) }
            if let v = s.topK { p.topK = v }
            if let v = s.topP { p.topP = Float(v) }
            if let v = s.minP { p.minP = Float(v) }
            if let v = s.repetitionPenalty { p.repetitionPenalty = Float(v) }
            if let v = s.maxNewTokens { p.maxTokens = v }
        }
        p.seed = stored?.seed ?? UInt64.random(in: 0..<(1 << 53))
        return p
    }

    /// The parameters as stored with a reply (every field set: what was actually used).
    static func record(_ p: Engine.SamplingParameters) -> Sessions.SamplingParameters {
        Sessions.SamplingParameters(temperature: Double(p.temperature), topK: p.topK, topP: Double(p.topP),
                                    minP: Double(p.minP), repetitionPenalty: Double(p.repetitionPenalty),
                                    maxNewTokens: p.maxTokens, seed: p.seed)
    }

    /// The engine's stop reason as stored with a reply (and as people read it, through `StatsText.stopText`).
    static func stopReason(_ reason: Engine.StopReason) -> MessageStats.StopReason {
        switch reason {
        case .endOfSequence: return .endOfSequence
        case .maxTokens: return .maxTokens
        case .cancelled: return .userStopped
        case .contextFull: return .contextFull
        }
    }

    /// Engine statistics as stored with a reply.
    static func stats(_ s: GenerationStats, architecture: ModelArchitecture, sampling: Engine.SamplingParameters,
                      modelHash: String?) -> MessageStats {
        let encoder = architecture == .encoderDecoder
        return MessageStats(promptTokens: s.promptTokens, encoderTokens: encoder ? s.encoderTokens : nil,
                            encodeMs: encoder ? s.encodeMilliseconds : nil, prefillMs: s.prefillMilliseconds,
                            timeToFirstTokenMs: s.generatedTokens > 0 ? s.timeToFirstTokenMilliseconds : nil,
                            decodeTokensPerSecond: s.generatedTokens > 1 ? s.decodeTokensPerSecond : nil,
                            generatedTokens: s.generatedTokens, seed: sampling.seed, sampling: record(sampling),
                            stopReason: stopReason(s.stopReason), modelHash: modelHash, engineThreads: EngineThreads.count,
                            blasThreads: EngineThreads.count, engineVersion: EngineInfo.version)
    }
}
