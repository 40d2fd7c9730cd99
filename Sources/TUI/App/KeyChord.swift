import Foundation

/// A key without modifiers.
public enum Key: Hashable {
    /// A printable character (a space too). With Ctrl or Alt, letters are stored lowercase.
    case character(Character)
    case function(Int)
    case enter, tab, backspace, delete, insert, escape
    case up, down, left, right, home, end, pageUp, pageDown
}

/// Modifier keys held with a key.
public struct Modifiers: OptionSet, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let ctrl = Modifiers(rawValue: 1)
    public static let alt = Modifiers(rawValue: 2)
    public static let shift = Modifiers(rawValue: 4)
}

/// A key press: a key plus modifiers, written `ctrl+p`, `alt+enter`, `f2`, `?` in config files.
public struct KeyChord: Hashable, CustomStringConvertible {
    public var key: Key
    public var modifiers: Modifiers

    public init(_ key: Key, _ modifiers: Modifiers = []) {
        var key = key, modifiers = modifiers
        if case .character(let c) = key, c.isLetter {
            if modifiers.contains(.ctrl) {
                key = .character(Character(c.lowercased()))  // Ctrl+letter has no case on a terminal
            } else if modifiers.contains(.shift) {
                key = .character(Character(c.uppercased()))  // Shift+a is "A" (and Alt+Shift+a is Alt+A)
                modifiers.remove(.shift)
            }
        }
        self.key = key
        self.modifiers = modifiers
    }

    /// A printable character with no Ctrl/Alt: text for an input field rather than a command.
    public var isText: Bool {
        if case .character = key { return modifiers.isDisjoint(with: [.ctrl, .alt]) }
        return false
    }

    /// The typed character when `isText`.
    public var character: Character? {
        if case .character(let c) = key, isText { return c }
        return nil
    }

    /// Human-readable form for help screens: "Ctrl+P", "Alt+Enter", "F2", "?".
    public var description: String {
        var parts: [String] = []
        if modifiers.contains(.ctrl) { parts.append("Ctrl") }
        if modifiers.contains(.alt) { parts.append("Alt") }
        if modifiers.contains(.shift) { parts.append("Shift") }
        var name = KeyChord.displayName(key)
        if modifiers.contains(.ctrl), name.count == 1 { name = name.uppercased() }  // "Ctrl+P", as keyboards print it
        parts.append(name)
        return parts.joined(separator: "+")
    }

    /// Compact form for the status bar: "^P" for Ctrl+letter, otherwise as `description`.
    public var shortDescription: String {
        if modifiers == .ctrl, case .character(let c) = key, c.isLetter { return "^" + c.uppercased() }
        return description
    }

    /// Config-file form: "ctrl+p", "alt+enter", "f2", "?".
    public var configName: String {
        var parts: [String] = []
        if modifiers.contains(.ctrl) { parts.append("ctrl") }
        if modifiers.contains(.alt) { parts.append("alt") }
        if modifiers.contains(.shift) { parts.append("shift") }
        parts.append(KeyChord.displayName(key).lowercased())
        return parts.joined(separator: "+")
    }

    private static let names: [(String, Key)] = [
        ("enter", .enter), ("return", .enter), ("tab", .tab), ("backspace", .backspace), ("bs", .backspace),
        ("delete", .delete), ("del", .delete), ("insert", .insert), ("ins", .insert), ("esc", .escape),
        ("escape", .escape), ("up", .up), ("down", .down), ("left", .left), ("right", .right), ("home", .home),
        ("end", .end), ("pgup", .pageUp), ("pageup", .pageUp), ("pgdn", .pageDown), ("pagedown", .pageDown),
        ("space", .character(" ")),
    ]

    private static func displayName(_ key: Key) -> String {
        switch key {
        case .character(" "): return "Space"
        case .character(let c): return String(c)
        case .function(let n): return "F\(n)"
        case .enter: return "Enter"
        case .tab: return "Tab"
        case .backspace: return "Backspace"
        case .delete: return "Delete"
        case .insert: return "Insert"
        case .escape: return "Esc"
        case .up: return "Up"
        case .down: return "Down"
        case .left: return "Left"
        case .right: return "Right"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        }
    }

    /// Parses "ctrl+x", "Alt+Enter", "f2", "shift+tab", "?", "space", "ctrl++" (Ctrl with the plus key).
    public init(parsing text: String) throws {
        let source = text.trimmingCharacters(in: .whitespaces)
        guard !source.isEmpty else { throw KeymapError.invalidKey(text, "empty") }
        var parts = source.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
        if source.hasSuffix("++") {  // "alt++": the key itself is "+"
            parts.removeLast(2)
            parts.append("+")
        }
        let keyName = parts.removeLast()
        guard !keyName.isEmpty else { throw KeymapError.invalidKey(text, "no key after the modifiers") }
        var modifiers: Modifiers = []
        for part in parts {
            switch part.lowercased() {
            case "ctrl", "control", "c": modifiers.insert(.ctrl)
            case "alt", "meta", "m", "option": modifiers.insert(.alt)
            case "shift", "s": modifiers.insert(.shift)
            default: throw KeymapError.invalidKey(text, "unknown modifier \"\(part)\" (use ctrl, alt or shift)")
            }
        }
        let lower = keyName.lowercased()
        let key: Key
        if let named = KeyChord.names.first(where: { $0.0 == lower })?.1 {
            key = named
        } else if lower.count >= 2, lower.first == "f", let n = Int(lower.dropFirst()), (1...24).contains(n) {
            key = .function(n)
        } else if keyName.count == 1, let c = keyName.first, !c.isWhitespace, DisplayWidth.of(c) > 0 {
            key = .character(c)
        } else {
            throw KeymapError.invalidKey(text, "unknown key \"\(keyName)\"")
        }
        if modifiers.contains(.ctrl), case .character(let c) = key, !(c.isLetter && c.isASCII) && !"@[\\]^_ ".contains(c) {
            throw KeymapError.invalidKey(text, "terminals cannot send Ctrl with \"\(c)\"")
        }
        self.init(key, modifiers)
    }
}
