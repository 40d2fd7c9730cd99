/// Editing commands of `InputEditor`; the raw values are the keymap's action names.
public enum EditorCommand: String, CaseIterable {
    case submit = "editor.send"
    case newline = "editor.newline"
    case left = "editor.left"
    case right = "editor.right"
    case wordLeft = "editor.word-left"
    case wordRight = "editor.word-right"
    case lineStart = "editor.line-start"
    case lineEnd = "editor.line-end"
    case up = "editor.up"
    case down = "editor.down"
    case backspace = "editor.backspace"
    case deleteForward = "editor.delete"
    case deleteWordBack = "editor.delete-word-back"
    case killToLineEnd = "editor.kill-to-end"
    case killToLineStart = "editor.kill-to-start"
}

/// A multi-line text input: cursor moves by grapheme cluster, lines wrap by display width, Up/Down walk
/// through the lines and then through the history of sent entries (the unsent draft is kept).
public struct InputEditor {
    /// The text being edited, as grapheme clusters ("\n" separates lines).
    public private(set) var characters: [Character] = []
    /// Cursor position: an index into `characters` (`characters.count` = after the last).
    public private(set) var cursor = 0
    /// Sent entries, oldest first.
    public private(set) var history: [String] = []
    /// Shown dimmed while the input is empty.
    public var placeholder = ""
    /// Drawn before the first row (continuation rows are indented by its width).
    public var prompt = StyledLine("> ", Style(.accent, [.bold]))
    /// Most entries kept in `history`.
    public var historyLimit = 500
    private var historyIndex: Int? = nil  // nil: editing the draft
    private var draft: [Character] = []
    private var goalColumn: Int? = nil  // display column kept across Up/Down
    var scrollRow = 0  // first visible row (InputEditorView)

    public init(placeholder: String = "") { self.placeholder = placeholder }

    public var text: String { String(characters) }
    public var isEmpty: Bool { characters.isEmpty }

    /// Replaces the text and puts the cursor at its end.
    public mutating func setText(_ text: String) {
        characters = Array(text)
        cursor = characters.count
        goalColumn = nil
    }

    /// Inserts typed or pasted text at the cursor, verbatim: newlines and tabs stay, CR/LF pairs become
    /// newlines, other control characters are dropped (they would drive the terminal, not show).
    public mutating func insert(_ text: String) {
        var cleaned: [Character] = []
        for c in text {
            if c == "\r\n" || c == "\r" || c == "\n" { cleaned.append("\n"); continue }
            if c == "\t" { cleaned.append(c); continue }
            if let v = c.unicodeScalars.first?.value, c.unicodeScalars.count == 1, v < 0x20 || (v >= 0x7F && v < 0xA0) { continue }
            cleaned.append(c)
        }
        // Terminals deliver one scalar at a time: a combining accent, a ZWJ or a skin tone must join the
        // cluster before it. Re-segment the inserted text with its neighbours into grapheme clusters.
        let lo = max(0, cursor - 1), hi = min(characters.count, cursor + 1)
        let before = String(characters[lo..<cursor]) + String(cleaned)
        let window = Array(before + String(characters[cursor..<hi]))
        let cursorInWindow = min(window.count, Array(before).count)
        characters.replaceSubrange(lo..<hi, with: window)
        cursor = lo + cursorInWindow
        goalColumn = nil
    }

    /// Applies a command; `.submit` returns the entry (and clears the editor, recording it in history).
    @discardableResult
    public mutating func perform(_ command: EditorCommand) -> String? {
        if command != .up && command != .down { goalColumn = nil }
        switch command {
        case .submit: return submit()
        case .newline: insert("\n")
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(characters.count, cursor + 1)
        case .wordLeft: cursor = wordStart(before: cursor)
        case .wordRight: cursor = wordEnd(after: cursor)
        case .lineStart: cursor = lineBounds(of: cursor).start
        case .lineEnd: cursor = lineBounds(of: cursor).end
        case .up: moveVertically(-1)
        case .down: moveVertically(1)
        case .backspace:
            if cursor > 0 { characters.remove(at: cursor - 1); cursor -= 1 }
        case .deleteForward:
            if cursor < characters.count { characters.remove(at: cursor) }
        case .deleteWordBack:
            var start = cursor
            while start > 0, characters[start - 1].isWhitespace { start -= 1 }
            while start > 0, !characters[start - 1].isWhitespace { start -= 1 }
            characters.removeSubrange(start..<cursor)
            cursor = start
        case .killToLineEnd:
            let end = lineBounds(of: cursor).end
            characters.removeSubrange(cursor..<(end == cursor && end < characters.count ? end + 1 : end))
        case .killToLineStart:
            let start = lineBounds(of: cursor).start
            characters.removeSubrange(start..<cursor)
            cursor = start
        }
        return nil
    }

    private mutating func submit() -> String {
        let entry = text
        if !entry.isEmpty, history.last != entry {
            history.append(entry)
            if history.count > historyLimit { history.removeFirst(history.count - historyLimit) }
        }
        characters = []
        cursor = 0
        historyIndex = nil
        draft = []
        scrollRow = 0
        return entry
    }

    /// Up/Down: move a line within multi-line text; on the first/last line, walk the history.
    private mutating func moveVertically(_ direction: Int) {
        let (line, column) = position(of: cursor)
        let lines = lineStarts()
        let target = line + direction
        if target >= 0 && target < lines.count {
            let goal = goalColumn ?? column
            goalColumn = goal
            let bounds = lineBounds(of: lines[target])
            cursor = index(inLine: bounds, atColumn: goal)
            return
        }
        recallHistory(direction)
    }

    private mutating func recallHistory(_ direction: Int) {
        guard !history.isEmpty else { return }
        if direction < 0 {
            if historyIndex == nil { draft = characters; historyIndex = history.count }
            guard let i = historyIndex, i > 0 else { return }
            historyIndex = i - 1
        } else {
            guard let i = historyIndex else { return }
            historyIndex = i + 1 < history.count ? i + 1 : nil
        }
        characters = historyIndex.map { Array(history[$0]) } ?? draft
        cursor = characters.count
        goalColumn = nil
    }

    // MARK: Geometry

    private func lineStarts() -> [Int] {
        var starts = [0]
        for (i, c) in characters.enumerated() where c == "\n" { starts.append(i + 1) }
        return starts
    }

    private func lineBounds(of index: Int) -> (start: Int, end: Int) {
        var start = index
        while start > 0, characters[start - 1] != "\n" { start -= 1 }
        var end = index
        while end < characters.count, characters[end] != "\n" { end += 1 }
        return (start, end)
    }

    /// (line number, display column) of an index.
    private func position(of index: Int) -> (Int, Int) {
        let start = lineBounds(of: index).start
        let line = characters[..<start].filter { $0 == "\n" }.count
        return (line, characters[start..<index].reduce(0) { $0 + width(of: $1) })
    }

    private func index(inLine bounds: (start: Int, end: Int), atColumn goal: Int) -> Int {
        var column = 0
        var i = bounds.start
        while i < bounds.end, column + width(of: characters[i]) <= goal {
            column += width(of: characters[i])
            i += 1
        }
        return i
    }

    private func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    private func wordStart(before index: Int) -> Int {
        var i = index
        while i > 0, !isWordCharacter(characters[i - 1]) { i -= 1 }
        while i > 0, isWordCharacter(characters[i - 1]) { i -= 1 }
        return i
    }

    private func wordEnd(after index: Int) -> Int {
        var i = index
        while i < characters.count, !isWordCharacter(characters[i]) { i += 1 }
        while i < characters.count, isWordCharacter(characters[i]) { i += 1 }
        return i
    }

    func width(of c: Character) -> Int { c == "\t" ? 4 : max(DisplayWidth.of(c), c == "\n" ? 0 : 1) }
}
