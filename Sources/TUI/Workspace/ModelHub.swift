import DuetCLI
import Engine
import Foundation
import Sessions

/// A model the UI knows of: its location, what its files say, and whether it is loaded.
final class ModelEntry {
    enum LoadState {
        case notLoaded
        case loading(since: Double)
        case ready(LoadedModel)
        case failed(String)
    }

    let location: ModelLocation
    /// The inspect facts, or why the directory cannot be read.
    let facts: Result<ModelFacts, ModelReadError>
    var state: LoadState = .notLoaded
    /// The database record (set once loaded: registering needs the weights' content hash).
    var record: ModelRecord?
    /// How the weights are held in memory when loaded (nil: as the files store them).
    var quantization: WeightQuantization?

    init(location: ModelLocation, facts: Result<ModelFacts, ModelReadError>) {
        self.location = location
        self.facts = facts
    }

    var path: String { location.path }
    var name: String { location.name }
    /// An added path with no model there any more.
    var isMissing: Bool { location.missing }
    var architecture: ModelArchitecture? { try? facts.get().architecture }
    var isRandom: Bool { (try? facts.get().isRandom) ?? false }
    var examples: [String] { (try? facts.get().examples) ?? [] }
    var loaded: LoadedModel? { if case .ready(let m) = state { return m } else { return nil } }
    var isLoading: Bool { if case .loading = state { return true } else { return false } }
    var loadError: String? { if case .failed(let e) = state { return e } else { return nil } }

    /// "tiny-random-gemma2 (random weights)": the name shown in headers.
    var displayName: String { isRandom ? "\(name) (random weights)" : name }
}

/// Why a model directory could not be read (its message names the file).
struct ModelReadError: Error, Equatable, CustomStringConvertible {
    var description: String
}

/// The models of this UI session: found on disk or added by hand (the added paths are read from the
/// database at start; the Models screen stores new ones), loaded on demand on a background queue,
/// registered in the database once loaded. Which model chats and which two compare live here,
/// shared by the screens. Used on the UI thread only; loads report back through the event queue.
final class ModelHub {
    private(set) var entries: [ModelEntry] = []
    private(set) var chatPath: String?
    private(set) var comparePaths: [String?] = [nil, nil]
    /// Directories given with `--model`.
    let optionDirectories: [String]
    let assetsDirectory: String
    let homeDirectory: String
    private(set) var addedDirectories: [String] = []
    private let store: DuetStore?
    private let events: UIEventQueue
    private let loader = DispatchQueue(label: "duet.model-loader", qos: .userInitiated)
    /// Called on the UI thread when a model finished loading (or failed).
    var onLoad: [(ModelEntry) -> Void] = []

    /// How models not set otherwise hold their weights (`duet --quantize int8`).
    let defaultQuantization: WeightQuantization?

    init(options: [String], assets: String, home: String, store: DuetStore?, events: UIEventQueue,
         quantization: WeightQuantization? = nil) {
        defaultQuantization = quantization
        optionDirectories = options
        assetsDirectory = assets
        homeDirectory = home
        self.store = store
        self.events = events
        // Read once, before the first scan (the UI is not drawn yet). A database that cannot be read
        // leaves only this session's additions; opening it has already reported why.
        addedDirectories = (try? store?.addedModelDirectories().map(\.path)) ?? []
    }

    /// Finds the models again; keeps the loaded ones and the selections that still exist. The first
    /// scan also makes the default choices.
    func rescan() {
        let first = entries.isEmpty && chatPath == nil
        let locations = ModelDiscovery.find(options: optionDirectories, assets: assetsDirectory, home: homeDirectory,
                                            added: addedDirectories)
        entries = locations.map { location in
            // Kept while nothing changed; a model that went missing (or came back) is read again.
            if let old = entries.first(where: { $0.location == location }) { return old }
            if location.missing {
                return ModelEntry(location: location, facts: .failure(ModelReadError(
                    description: "missing: \(location.path) holds no model any more (moved or deleted since it was added)")))
            }
            let facts = Result { try ModelFacts.read(URL(fileURLWithPath: location.path)) }
                .mapError { ModelReadError(description: "\($0)") }
            let entry = ModelEntry(location: location, facts: facts)
            entry.quantization = defaultQuantization
            return entry
        }
        if chatPath.map(entry) == nil { chatPath = nil }
        comparePaths = comparePaths.map { $0.flatMap { entry($0) == nil ? nil : $0 } }
        guard first else { return }
        let choice = ModelDiscovery.defaultChoice(entries.map { ($0.location.source, $0.architecture) })
        chatPath = choice.chat.map { entries[$0].path }
        comparePaths = [choice.compareA.map { entries[$0].path }, choice.compareB.map { entries[$0].path }]
    }

    /// Adds a directory typed by the user; returns why it is not a model, or nil.
    func add(directory: String) -> String? {
        let path = ModelDiscovery.absolute(directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return "\(path) is not a directory"
        }
        guard ModelDiscovery.isModelDirectory(path) else { return "\(path) has no config.json" }
        if !addedDirectories.contains(path) { addedDirectories.append(path) }
        rescan()
        return nil
    }

    /// Takes an added directory off the list (its files stay); returns why it cannot be, or nil.
    /// The caller forgets it in the database too.
    func remove(directory path: String) -> String? {
        guard let index = addedDirectories.firstIndex(of: path) else { return "\(path) was not added by path" }
        addedDirectories.remove(at: index)
        rescan()
        return nil
    }

    func entry(_ path: String) -> ModelEntry? { entries.first { $0.path == path } }
    var chatModel: ModelEntry? { chatPath.flatMap(entry) }
    func compareModel(_ side: Int) -> ModelEntry? { comparePaths[side].flatMap(entry) }

    /// Chooses the chat model and starts loading it.
    func selectForChat(_ path: String) {
        chatPath = path
        load(path)
    }

    /// Chooses one side of the comparison (0 = A, 1 = B) and starts loading it.
    func selectForCompare(side: Int, _ path: String) {
        comparePaths[side] = path
        load(path)
    }

    /// Swaps compare A and B.
    func swapCompareSides() { comparePaths.reverse() }

    /// Holds `path`'s weights as `quantization` (nil: as stored) from its next load; a loaded model
    /// is loaded again at once (its replies in flight keep the old weights until they finish).
    func setQuantization(_ quantization: WeightQuantization?, for path: String) {
        guard let entry = entry(path), entry.quantization != quantization else { return }
        entry.quantization = quantization
        switch entry.state {
        case .loading: return  // finishLoad sees the changed choice and loads again
        case .ready, .failed:
            entry.state = .notLoaded
            load(path)
        case .notLoaded: break
        }
    }

    /// Starts loading `path` on the loader queue unless it is loaded or loading. Loading maps the
    /// weights, builds the model, hashes the weight files and registers the model in the database.
    func load(_ path: String, now: Double = TUIApp.clock()) {
        guard let entry = entry(path) else { return }
        switch entry.state {
        case .ready, .loading: return
        case .notLoaded, .failed: break
        }
        if case .failure(let error) = entry.facts {
            entry.state = .failed(error.description)
            return
        }
        entry.state = .loading(since: now)
        let url = URL(fileURLWithPath: path)
        let store = self.store, events = self.events
        let architecture = (try? entry.facts.get().modelType) ?? "?"
        let parameters = (try? entry.facts.get().parameters).map(Int64.init)
        let quantization = entry.quantization
        loader.async {
            let outcome: Result<(LoadedModel, ModelRecord?), ModelReadError>
            do {
                let loaded = try ModelLoader.load(directory: url, quantization: quantization,
                                                  packBF16: packBF16ByEnvironment)
                let hash = try ContentHash.weights(of: CheckpointReader(directory: url))
                let record = try store?.registerModel(path: url.path, architecture: architecture,
                                                      parameterCount: parameters, contentHash: hash)
                outcome = .success((loaded, record))
            } catch {
                outcome = .failure(ModelReadError(description: "\(error)"))
            }
            events.post(.perform { [weak self] _ in self?.finishLoad(path, outcome, quantization: quantization) })
        }
    }

    private func finishLoad(_ path: String, _ outcome: Result<(LoadedModel, ModelRecord?), ModelReadError>,
                            quantization: WeightQuantization?) {
        guard let entry = entry(path) else { return }
        if entry.quantization != quantization {  // changed while loading: load what is asked for now
            entry.state = .notLoaded
            load(path)
            return
        }
        switch outcome {
        case .success(let (model, record)):
            entry.state = .ready(model)
            entry.record = record
        case .failure(let error):
            entry.state = .failed(error.description)
        }
        for callback in onLoad { callback(entry) }
    }

    /// The entry whose registered record has `id` (for naming the model of a stored reply).
    func entry(recordId id: Int64) -> ModelEntry? { entries.first { $0.record?.id == id } }
}
