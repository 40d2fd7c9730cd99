import Foundation

/// A model folder found under `$DUET_HOME/models`.
public struct ModelFolder: Equatable {
    public var name: String
    /// `model_type` from config.json ("gemma2", "t5gemma"), nil if config.json is missing or unreadable.
    public var modelType: String?
    /// Total size of the folder's `*.safetensors` files.
    public var weightBytes: Int

    /// Lists the sub-folders of `directory` (sorted by name). A missing directory is an empty list.
    public static func scan(_ directory: String) -> [ModelFolder] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory) else { return [] }
        return names.sorted().compactMap { name in
            let path = directory + "/" + name
            var isDirectory: ObjCBool = false
            guard !name.hasPrefix("."), fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
            var type: String? = nil
            if let data = fm.contents(atPath: path + "/config.json"),
               let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                type = json["model_type"] as? String
            }
            let files = (try? fm.contentsOfDirectory(atPath: path)) ?? []
            let bytes = files.filter { $0.hasSuffix(".safetensors") }.reduce(0) { total, file in
                total + ((try? fm.attributesOfItem(atPath: path + "/" + file)[.size] as? Int) ?? 0)
            }
            return ModelFolder(name: name, modelType: type, weightBytes: bytes)
        }
    }
}

/// Models: the model folders in `$DUET_HOME/models`, as they are on disk. Loading one arrives with the
/// model loader; until then the screen lists what it finds and says that it cannot load it yet.
public final class ModelsScreen: Screen {
    public let id = ScreenID.models
    public private(set) var folders: [ModelFolder] = []
    private var list = ListView()

    public init() {}

    public var keyContexts: [KeyContext] { [.list] }
    public var acceptsText: Bool { false }
    public var actions: [KeyAction] { [KeyAction("models.rescan", "Rescan the models folder", .list, ["ctrl+r"], command: true)] }

    public func activate(_ context: ScreenContext) { folders = ModelFolder.scan(context.paths.models) }

    public func perform(_ action: String, context: ScreenContext) -> ScreenRequest? {
        switch action {
        case "list.up": list.move(by: -1, count: folders.count)
        case "list.down": list.move(by: 1, count: folders.count)
        case "list.page-up": list.pageUp(count: folders.count)
        case "list.page-down": list.pageDown(count: folders.count)
        case "models.rescan":
            folders = ModelFolder.scan(context.paths.models)
            return .notice("Found \(folders.count) model folder\(folders.count == 1 ? "" : "s")")
        case "list.select":
            guard !folders.isEmpty else { return ScreenRequest.none }
            return .notice("Loading models is not available in this build yet")
        default: return nil
        }
        return ScreenRequest.none
    }

    public func insert(_ text: String, context: ScreenContext) -> ScreenRequest { .none }

    public func draw(in rect: Rect, grid: inout CellGrid, context: ScreenContext) {
        let (header, body) = rect.splitTop(2)
        var title = StyledLine(" Models ", Style(.title, [.bold]))
        title.append(context.paths.models, Style(.dim))
        grid.put(title, x: header.x, y: header.y, clip: header)
        guard !folders.isEmpty else {
            let exists = FileManager.default.fileExists(atPath: context.paths.models)
            drawCenteredMessage([
                StyledLine(exists ? "No model folders yet." : "The models folder does not exist yet.", Style(.title, [.bold])),
                StyledLine(),
                StyledLine("Put a Hugging Face model folder (config.json + *.safetensors) in \(context.paths.models), then press \(context.key("models.rescan", in: keyContexts) ?? "Ctrl+R").", Style(.dim)),
            ], in: body, grid: &grid)
            return
        }
        let lines = folders.map { folder -> StyledLine in
            var line = StyledLine(" " + folder.name.padding(to: 28) + " ")
            line.append((folder.modelType ?? "no config.json").padding(to: 12) + " ", Style(folder.modelType == nil ? .warning : .accent))
            line.append(folder.weightBytes > 0 ? ProcessStats.formatBytes(folder.weightBytes) : "no weights", Style(.dim))
            return line
        }
        list.draw(lines, in: body, grid: &grid)
    }
}
