/// Inline markdown-lite: `**bold**` / `__bold__`, `*italic*` / `_italic_`, `` `code` `` and backslash
/// escapes, turned into styled spans with the markers hidden.
///
/// A delimiter opens only when a matching closer follows on the same line. On the line that is still
/// streaming (`isOpen`), an opener with no closer *yet* styles the rest of the line, so `**bo` shows as
/// bold while the model types and does not flicker from literal stars to bold when `**` arrives.
/// Underscores open and close only at word boundaries, so `snake_case_name` stays literal.
enum MarkdownInline {
    static func parse(_ text: String, base: Style, isOpen: Bool) -> [Span] {
        var line = StyledLine()
        let chars = Array(text)
        parse(chars[...], style: base, isOpen: isOpen, into: &line)
        return line.spans
    }

    private static func parse(_ chars: ArraySlice<Character>, style: Style, isOpen: Bool, into line: inout StyledLine) {
        var plain = ""
        var i = chars.startIndex
        func flush() {
            line.append(plain, style)
            plain = ""
        }
        while i < chars.endIndex {
            let c = chars[i]
            if c == "\\", i + 1 < chars.endIndex, "\\`*_".contains(chars[i + 1]) {
                plain.append(chars[i + 1])
                i += 2
                continue
            }
            if c == "`" {
                let run = runLength(chars, at: i, of: "`")
                let contentStart = i + run
                if let close = findCodeClose(chars, from: contentStart, run: run) {
                    flush()
                    line.append(String(chars[contentStart..<close]), Style(.code, style.attributes))
                    i = close + run
                    continue
                }
                if isOpen {
                    flush()
                    line.append(String(chars[contentStart...]), Style(.code, style.attributes))
                    return
                }
                plain += String(chars[i..<contentStart])
                i = contentStart
                continue
            }
            if c == "*" || c == "_" {
                let run = runLength(chars, at: i, of: c)
                let width = run >= 2 ? 2 : 1
                let attribute: TextAttributes = width == 2 ? .bold : .italic
                if canOpen(chars, at: i, width: width, marker: c) {
                    let contentStart = i + width
                    if let close = findClose(chars, from: contentStart, width: width, marker: c) {
                        flush()
                        parse(chars[contentStart..<close], style: style.adding(attribute), isOpen: false, into: &line)
                        i = close + width
                        continue
                    }
                    if isOpen, contentStart < chars.endIndex {
                        flush()
                        parse(chars[contentStart...], style: style.adding(attribute), isOpen: true, into: &line)
                        return
                    }
                }
                plain += String(chars[i..<(i + run)])
                i += run
                continue
            }
            plain.append(c)
            i += 1
        }
        flush()
    }

    private static func runLength(_ chars: ArraySlice<Character>, at i: Int, of c: Character) -> Int {
        var j = i
        while j < chars.endIndex, chars[j] == c { j += 1 }
        return j - i
    }

    /// An opener must be followed by a non-space; `_` must also not follow a letter or digit.
    private static func canOpen(_ chars: ArraySlice<Character>, at i: Int, width: Int, marker: Character) -> Bool {
        let next = i + width
        guard next < chars.endIndex, !chars[next].isWhitespace else { return false }
        if marker == "_", i > chars.startIndex, isWordCharacter(chars[i - 1]) { return false }
        return true
    }

    /// The index of a closing run of exactly `width` markers preceded by a non-space (for `_`, not
    /// followed by a letter or digit), skipping code spans.
    private static func findClose(_ chars: ArraySlice<Character>, from start: Int, width: Int, marker: Character) -> Int? {
        var j = start
        while j < chars.endIndex {
            let c = chars[j]
            if c == "\\" { j += 2; continue }
            if c == "`" {
                let run = runLength(chars, at: j, of: "`")
                if let close = findCodeClose(chars, from: j + run, run: run) { j = close + run; continue }
                j += run
                continue
            }
            if c == marker {
                let run = runLength(chars, at: j, of: marker)
                let precededBySpace = chars[j - 1].isWhitespace
                // Italic closes on a lone marker (or `***`, closing bold and italic); bold on two or more.
                let fits = width == 1 ? (run == 1 || run >= 3) : run >= 2
                if j > start, !precededBySpace, fits {
                    let after = j + run
                    if marker != "_" || after >= chars.endIndex || !isWordCharacter(chars[after]) {
                        return j + run - width  // a longer run closes with its last `width` markers
                    }
                }
                j += run
                continue
            }
            j += 1
        }
        return nil
    }

    private static func findCodeClose(_ chars: ArraySlice<Character>, from start: Int, run: Int) -> Int? {
        var j = start
        while j < chars.endIndex {
            if chars[j] == "`" {
                let r = runLength(chars, at: j, of: "`")
                if r == run { return j }
                j += r
            } else {
                j += 1
            }
        }
        return nil
    }

    private static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber }
}
