import CNcurses

/// Maps ncurses key codes to `RawInput`. Standard codes have constants; modified keys (Ctrl+Right...)
/// come from terminfo's extended names, which ncurses reports through `keyname`: "kRIT5" is Right with
/// modifier 5 (xterm's 1 + shift(1) + alt(2) + ctrl(4) encoding).
enum CursesKeys {
    static func decode(code: Int32) -> RawInput? {
        switch code {
        case KEY_RESIZE: return .resize
        case CursesTerminal.pasteStartCode: return .pasteStart
        case CursesTerminal.pasteEndCode: return .pasteEnd
        case KEY_UP: return .key(KeyChord(.up))
        case KEY_DOWN: return .key(KeyChord(.down))
        case KEY_LEFT: return .key(KeyChord(.left))
        case KEY_RIGHT: return .key(KeyChord(.right))
        case KEY_HOME: return .key(KeyChord(.home))
        case KEY_END: return .key(KeyChord(.end))
        case KEY_PPAGE: return .key(KeyChord(.pageUp))
        case KEY_NPAGE: return .key(KeyChord(.pageDown))
        case KEY_BACKSPACE: return .key(KeyChord(.backspace))
        case KEY_DC: return .key(KeyChord(.delete))
        case KEY_IC: return .key(KeyChord(.insert))
        case KEY_ENTER: return .key(KeyChord(.enter))
        case KEY_BTAB: return .key(KeyChord(.tab, .shift))
        case KEY_SLEFT: return .key(KeyChord(.left, .shift))
        case KEY_SRIGHT: return .key(KeyChord(.right, .shift))
        case KEY_SHOME: return .key(KeyChord(.home, .shift))
        case KEY_SEND: return .key(KeyChord(.end, .shift))
        case KEY_SDC: return .key(KeyChord(.delete, .shift))
        case KEY_SF: return .key(KeyChord(.down, .shift))
        case KEY_SR: return .key(KeyChord(.up, .shift))
        default: break
        }
        let f0 = cn_key_f(0)
        if code > f0, code <= f0 + 63 {
            // xterm: F13-F24 are Shift+F1-F12, F25-F36 Ctrl+F1-F12, F37-F48 Ctrl+Shift, F49-F60 Alt.
            let n = Int(code - f0)
            let groups: [Modifiers] = [[], .shift, .ctrl, [.ctrl, .shift], .alt]
            let group = (n - 1) / 12
            guard group < groups.count else { return nil }
            return .key(KeyChord(.function((n - 1) % 12 + 1), groups[group]))
        }
        guard let name = keyname(code).map({ String(cString: $0) }) else { return nil }
        return decode(extendedName: name)
    }

    /// "kRIT5" -> Ctrl+Right, "kUP3" -> Alt+Up, "kHOM5" -> Ctrl+Home...
    static func decode(extendedName name: String) -> RawInput? {
        let bases: [(String, Key)] = [
            ("kUP", .up), ("kDN", .down), ("kLFT", .left), ("kRIT", .right), ("kHOM", .home), ("kEND", .end),
            ("kPRV", .pageUp), ("kNXT", .pageDown), ("kDC", .delete), ("kIC", .insert),
        ]
        for (prefix, key) in bases where name.hasPrefix(prefix) {
            guard let n = Int(name.dropFirst(prefix.count)), (2...8).contains(n) else { return nil }
            let bits = n - 1
            var modifiers: Modifiers = []
            if bits & 1 != 0 { modifiers.insert(.shift) }
            if bits & 2 != 0 { modifiers.insert(.alt) }
            if bits & 4 != 0 { modifiers.insert(.ctrl) }
            return .key(KeyChord(key, modifiers))
        }
        return nil
    }
}
