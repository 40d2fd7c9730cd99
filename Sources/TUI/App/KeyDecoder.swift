/// One input unit as the terminal layer reads it (ncurses `wget_wch`): a character, a decoded special key,
/// the bracketed-paste markers, or a resize.
public enum RawInput: Equatable {
    case scalar(Unicode.Scalar)
    case key(KeyChord)
    case pasteStart
    case pasteEnd
    case resize
}

/// What the app reacts to.
public enum InputEvent: Equatable {
    case key(KeyChord)
    /// Text pasted in bracketed-paste mode, verbatim (newlines included: they are not Enter presses).
    case paste(String)
    case resize
}

/// Turns raw input into key events: control bytes into Ctrl-chords, Esc followed by a key into an
/// Alt-chord (that is how terminals send Alt, and it gives a typed fallback for keys a terminal
/// swallows: Esc then 2 is Alt+2), and bracketed paste into one `.paste` event.
///
/// A lone Esc is held for `escapeWindow` seconds waiting for a second key; `flush(now:)` releases it
/// once the window has passed (the event loop wakes at `deadline`).
public struct KeyDecoder {
    /// How long an Esc waits to become an Alt prefix, in seconds.
    public var escapeWindow: Double
    private var escapeAt: Double? = nil
    private var pasting = false
    private var pasted = String.UnicodeScalarView()

    public init(escapeWindow: Double = 0.5) { self.escapeWindow = escapeWindow }

    /// When the held Esc must be released, if one is held.
    public var deadline: Double? { escapeAt.map { $0 + escapeWindow } }
    public var isPasting: Bool { pasting }

    /// Feeds one raw input read at time `now` (seconds, monotonic); returns the events it completes.
    public mutating func feed(_ raw: RawInput, now: Double) -> [InputEvent] {
        if pasting { return feedPaste(raw) }
        var events = flush(now: now)
        switch raw {
        case .resize:
            events.append(.resize)
        case .pasteStart:
            if escapeAt != nil { events.append(.key(KeyChord(.escape))); escapeAt = nil }
            pasting = true
            pasted = String.UnicodeScalarView()
        case .pasteEnd:
            break  // an end marker without a start: nothing to close
        case .scalar(let s) where s.value == 0x1B:
            if escapeAt != nil { events.append(.key(KeyChord(.escape))) }  // Esc Esc: the first is a plain Esc
            escapeAt = now
        case .scalar(let s):
            events.append(.key(withPendingAlt(KeyDecoder.chord(for: s))))
        case .key(let chord):
            events.append(.key(withPendingAlt(chord)))
        }
        return events
    }

    /// Releases a held Esc whose window has passed.
    public mutating func flush(now: Double) -> [InputEvent] {
        guard let at = escapeAt, now - at >= escapeWindow else { return [] }
        escapeAt = nil
        return [.key(KeyChord(.escape))]
    }

    private mutating func withPendingAlt(_ chord: KeyChord) -> KeyChord {
        guard escapeAt != nil else { return chord }
        escapeAt = nil
        return KeyChord(chord.key, chord.modifiers.union(.alt))
    }

    private mutating func feedPaste(_ raw: RawInput) -> [InputEvent] {
        switch raw {
        case .pasteEnd:
            pasting = false
            var text = String(pasted)
            text = text.replacingCRLF()
            pasted = String.UnicodeScalarView()
            return [.paste(text)]
        case .scalar(let s):
            pasted.append(s)
        case .key(let chord):  // keys the terminal layer decoded inside a paste: keep what they type
            switch chord.key {
            case .enter: pasted.append("\n")
            case .tab: pasted.append("\t")
            case .character(let c) where chord.modifiers.isEmpty: pasted.append(contentsOf: c.unicodeScalars)
            default: break
            }
        case .resize, .pasteStart:
            break
        }
        return []
    }

    /// The chord a single character sends: C0 control bytes are Ctrl+letter (or Enter, Tab, Esc...).
    public static func chord(for scalar: Unicode.Scalar) -> KeyChord {
        switch scalar.value {
        case 0x0D: return KeyChord(.enter)
        case 0x09: return KeyChord(.tab)
        case 0x1B: return KeyChord(.escape)
        case 0x7F: return KeyChord(.backspace)
        case 0x00: return KeyChord(.character(" "), .ctrl)
        case 0x01...0x1A: return KeyChord(.character(Character(Unicode.Scalar(scalar.value + 0x60)!)), .ctrl)
        case 0x1C...0x1F: return KeyChord(.character(Character(Unicode.Scalar(scalar.value + 0x40)!)), .ctrl)
        default: return KeyChord(.character(Character(scalar)))
        }
    }
}

private extension String {
    /// CR LF and lone CR (what terminals paste for line breaks) become LF.
    func replacingCRLF() -> String {
        var out = String.UnicodeScalarView()
        var lastWasCR = false
        for s in unicodeScalars {
            if s == "\r" { out.append("\n"); lastWasCR = true; continue }
            if s == "\n" && lastWasCR { lastWasCR = false; continue }
            lastWasCR = false
            out.append(s)
        }
        return String(out)
    }
}
