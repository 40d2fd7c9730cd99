/// Where a binding applies. A key is looked up through a chain of contexts (focused widget first, then
/// the screen, then `global`), so the same key can mean different things in an editor and a list.
public struct KeyContext: RawRepresentable, Hashable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let global = KeyContext(rawValue: "global")
    public static let overlay = KeyContext(rawValue: "overlay")
    public static let editor = KeyContext(rawValue: "editor")
    public static let view = KeyContext(rawValue: "view")
    public static let list = KeyContext(rawValue: "list")
}

/// A named action with its default keys. Names are what `config.toml` rebinds (`app.palette = "ctrl+k"`).
public struct KeyAction: Equatable {
    public var name: String
    public var title: String
    public var context: KeyContext
    public var defaultKeys: [String]
    /// Listed in the command palette (commands, as opposed to cursor motions).
    public var isCommand: Bool

    public init(_ name: String, _ title: String, _ context: KeyContext, _ defaultKeys: [String], command: Bool = false) {
        self.name = name
        self.title = title
        self.context = context
        self.defaultKeys = defaultKeys
        self.isCommand = command
    }
}

public enum KeymapError: Error, Equatable, CustomStringConvertible {
    case invalidKey(String, String)
    case unknownAction(String)
    case conflict(key: String, actions: [String])

    public var description: String {
        switch self {
        case let .invalidKey(key, reason): return "invalid key \"\(key)\": \(reason)"
        case let .unknownAction(name): return "unknown action \"\(name)\" (press F1 in Duet for the list of actions)"
        case let .conflict(key, actions): return "key \"\(key)\" is bound to both \(actions.joined(separator: " and "))"
        }
    }
}

/// Actions, their keys, and key lookup. Printable keys bound without Ctrl/Alt (like `?`) are ignored
/// while a text field has focus, so typing never triggers commands.
public struct Keymap {
    public private(set) var actions: [KeyAction] = []
    private var keys: [String: [KeyChord]] = [:]
    private var lookup: [KeyContext: [KeyChord: String]] = [:]

    /// The default keymap with every built-in action.
    public init() {
        for action in Keymap.builtinActions { try! register(action) }
    }

    /// Adds an action with its default keys (screens add their own). A default key already taken in the
    /// same context stays with the earlier action.
    public mutating func register(_ action: KeyAction) throws {
        guard !keys.keys.contains(action.name) else { return }
        actions.append(action)
        let chords = try action.defaultKeys.map { try KeyChord(parsing: $0) }
        keys[action.name] = chords.filter { lookup[action.context]?[$0] == nil }
        for chord in keys[action.name]! { lookup[action.context, default: [:]][chord] = action.name }
    }

    public func action(named name: String) -> KeyAction? { actions.first { $0.name == name } }

    /// The keys bound to an action.
    public func keys(for action: String) -> [KeyChord] { keys[action] ?? [] }

    /// The action a key triggers in a chain of contexts (first match wins).
    public func action(for chord: KeyChord, in contexts: [KeyContext], textInput: Bool = false) -> String? {
        if textInput && chord.isText { return nil }
        for context in contexts {
            if let name = lookup[context]?[chord] { return name }
        }
        return nil
    }

    /// The keys that actually reach `action` in a context chain (not shadowed by an earlier context).
    public func effectiveKeys(for action: String, in contexts: [KeyContext], textInput: Bool = false) -> [KeyChord] {
        keys(for: action).filter { self.action(for: $0, in: contexts, textInput: textInput) == action }
    }

    /// Replaces the keys of `action`. A key taken by another action of the same context moves to this one.
    public mutating func bind(_ name: String, to chords: [KeyChord]) throws {
        guard let action = action(named: name) else { throw KeymapError.unknownAction(name) }
        for old in keys[name] ?? [] where lookup[action.context]?[old] == name { lookup[action.context]?[old] = nil }
        for chord in chords {
            if let other = lookup[action.context]?[chord], other != name { keys[other]?.removeAll { $0 == chord } }
            lookup[action.context, default: [:]][chord] = name
        }
        keys[name] = chords
    }

    /// Applies the `[keys]` table of a config file: `action = "key"` or `action = ["key", "key"]`
    /// (`[]` unbinds). A key given to an action is taken from the defaults of every other action, in every
    /// context. Errors name the file and line; two actions of one context given the same key is an error.
    public mutating func apply(_ config: ConfigFile) throws {
        var claimed: [KeyContext: [KeyChord: String]] = [:]
        for entry in config.entries(in: "keys") {
            func fail(_ message: String) -> ConfigError { ConfigError(path: config.path, line: entry.line, message: message) }
            guard let action = action(named: entry.key) else { throw fail(KeymapError.unknownAction(entry.key).description) }
            let names: [String]
            switch entry.value {
            case .string(let s): names = s.isEmpty ? [] : [s]
            case .array(let items):
                names = try items.map {
                    guard case .string(let s) = $0 else { throw fail("keys for \(entry.key) must be strings") }
                    return s
                }
            default: throw fail("keys for \(entry.key) must be a string like \"ctrl+x\" or an array of them")
            }
            let chords: [KeyChord]
            do { chords = try names.map { try KeyChord(parsing: $0) } } catch let e as KeymapError { throw fail(e.description) }
            for chord in chords {
                if let other = claimed[action.context]?[chord], other != entry.key {
                    throw fail(KeymapError.conflict(key: chord.configName, actions: [other, entry.key]).description)
                }
                claimed[action.context, default: [:]][chord] = entry.key
            }
            try bind(entry.key, to: chords)
            // The user's key wins everywhere: a default binding of another context would shadow it
            // (Ctrl+K for the palette must not stay "delete to end of line" in the input).
            for chord in chords {
                for (context, table) in lookup where context != action.context {
                    guard let other = table[chord], claimed[context]?[chord] == nil else { continue }
                    keys[other]?.removeAll { $0 == chord }
                    lookup[context]?[chord] = nil
                }
            }
        }
    }

    /// The built-in actions and their default keys. Alt-chords are the fallbacks for keys that terminals
    /// or multiplexers swallow: Alt+2 is also typed as Esc then 2.
    public static let builtinActions: [KeyAction] = [
        KeyAction("app.help", "Help: show every key", .global, ["f1", "alt+1", "?"], command: true),
        KeyAction("app.palette", "Command palette", .global, ["ctrl+p", "alt+p"], command: true),
        KeyAction("app.quit", "Quit Duet", .global, ["ctrl+q", "alt+q", "ctrl+c"], command: true),
        KeyAction("screen.chat", "Go to Chat", .global, ["f2", "alt+2"], command: true),
        KeyAction("screen.compare", "Go to Compare", .global, ["f3", "alt+3"], command: true),
        KeyAction("screen.train", "Go to Train", .global, ["f4", "alt+4"], command: true),
        KeyAction("screen.models", "Go to Models", .global, ["f5", "alt+5"], command: true),
        KeyAction("app.redraw", "Redraw the whole screen", .global, ["ctrl+l"], command: true),
        KeyAction("app.debug", "Toggle the debug overlay (frame timings)", .global, ["f12", "alt+d"], command: true),
        KeyAction("overlay.close", "Close the dialog", .overlay, ["esc"]),
        KeyAction("overlay.accept", "Run / confirm", .overlay, ["enter"]),
        KeyAction("overlay.next-field", "Next field", .overlay, ["tab"]),
        KeyAction("overlay.previous-field", "Previous field", .overlay, ["shift+tab"]),
        KeyAction("view.line-up", "Scroll up one line", .view, ["ctrl+up", "alt+up"]),
        KeyAction("view.line-down", "Scroll down one line", .view, ["ctrl+down", "alt+down"]),
        KeyAction("view.page-up", "Scroll up one page", .view, ["pgup"]),
        KeyAction("view.page-down", "Scroll down one page", .view, ["pgdn"]),
        KeyAction("view.top", "Scroll to the top", .view, ["ctrl+home", "home"], command: true),
        KeyAction("view.bottom", "Scroll to the bottom and follow new output", .view, ["ctrl+end", "end"], command: true),
        KeyAction("list.up", "Previous item", .list, ["up"]),
        KeyAction("list.down", "Next item", .list, ["down"]),
        KeyAction("list.page-up", "Page up", .list, ["pgup"]),
        KeyAction("list.page-down", "Page down", .list, ["pgdn"]),
        KeyAction("list.select", "Open the selected item", .list, ["enter"]),
        KeyAction(EditorCommand.submit.rawValue, "Send", .editor, ["enter"]),
        KeyAction(EditorCommand.newline.rawValue, "New line", .editor, ["alt+enter", "ctrl+j"]),
        KeyAction(EditorCommand.up.rawValue, "Line up / previous entry", .editor, ["up"]),
        KeyAction(EditorCommand.down.rawValue, "Line down / next entry", .editor, ["down"]),
        KeyAction(EditorCommand.left.rawValue, "Cursor left", .editor, ["left", "ctrl+b"]),
        KeyAction(EditorCommand.right.rawValue, "Cursor right", .editor, ["right", "ctrl+f"]),
        KeyAction(EditorCommand.wordLeft.rawValue, "Word left", .editor, ["ctrl+left", "alt+left", "alt+b"]),
        KeyAction(EditorCommand.wordRight.rawValue, "Word right", .editor, ["ctrl+right", "alt+right", "alt+f"]),
        KeyAction(EditorCommand.lineStart.rawValue, "Start of line", .editor, ["home", "ctrl+a"]),
        KeyAction(EditorCommand.lineEnd.rawValue, "End of line", .editor, ["end", "ctrl+e"]),
        KeyAction(EditorCommand.backspace.rawValue, "Delete left", .editor, ["backspace", "ctrl+h"]),
        KeyAction(EditorCommand.deleteForward.rawValue, "Delete right", .editor, ["delete", "ctrl+d"]),
        KeyAction(EditorCommand.deleteWordBack.rawValue, "Delete word left", .editor, ["ctrl+w", "alt+backspace"]),
        KeyAction(EditorCommand.killToLineEnd.rawValue, "Delete to end of line", .editor, ["ctrl+k"]),
        KeyAction(EditorCommand.killToLineStart.rawValue, "Delete to start of line", .editor, ["ctrl+u"]),
    ]
}
