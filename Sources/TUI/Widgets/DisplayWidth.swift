/// Terminal display width of text, in columns: a `wcwidth` with its own table (`DisplayWidthTable`),
/// measured per grapheme cluster (Swift `Character`) so that a cluster is never split across cells.
///
/// - A scalar is 0 (combining marks, format characters, ZWJ, variation selectors), 2 (East Asian Wide
///   or Fullwidth: CJK, Hangul syllables, emoji with emoji presentation) or 1 columns.
/// - A cluster takes the width of its first scalar, except that a variation selector 16 (emoji
///   presentation) makes it 2, a pair of regional indicators (a flag) is 2, and a ZWJ sequence such as
///   a family emoji is one cluster of width 2. Control characters are 0: callers expand or drop them.
public enum DisplayWidth {
    /// Width of one Unicode scalar: 0, 1 or 2.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x7F { return v >= 0x20 ? 1 : 0 }
        if v < 0xA0 { return 0 }  // C1 controls
        if contains(DisplayWidthTable.zeroWidth, v) { return 0 }
        if v >= 0x1100 && contains(DisplayWidthTable.doubleWidth, v) { return 2 }
        return 1
    }

    /// Width of one grapheme cluster: 0, 1 or 2.
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        var iterator = scalars.makeIterator()
        guard let first = iterator.next() else { return 0 }
        if first.value < 0x7F, scalars.count == 1 { return first.value >= 0x20 ? 1 : 0 }
        var width = of(first)
        var regionalIndicators = isRegionalIndicator(first) ? 1 : 0
        while let next = iterator.next() {
            if next.value == 0xFE0F, width == 1 { width = 2 }  // emoji presentation selector
            if isRegionalIndicator(next) { regionalIndicators += 1 }
        }
        if regionalIndicators >= 2 { width = 2 }
        return width
    }

    /// Width of a string: the sum of its clusters' widths.
    public static func of(_ text: some StringProtocol) -> Int {
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    /// The longest prefix of `text` that fits in `columns`, and its width.
    public static func prefix(of text: some StringProtocol, fitting columns: Int) -> (text: Substring, width: Int) {
        let s = Substring(text)
        var width = 0
        var end = s.startIndex
        for index in s.indices {
            let w = of(s[index])
            if width + w > columns { break }
            width += w
            end = s.index(after: index)
        }
        return (s[s.startIndex..<end], width)
    }

    /// `text` cut to `columns`, ending with `ellipsis` when it had to be cut.
    public static func truncate(_ text: String, to columns: Int, ellipsis: String = "…") -> String {
        guard columns > 0 else { return "" }
        if of(text) <= columns { return text }
        let ellipsisWidth = of(ellipsis)
        guard columns > ellipsisWidth else { return String(prefix(of: text, fitting: columns).text) }
        return String(prefix(of: text, fitting: columns - ellipsisWidth).text) + ellipsis
    }

    /// `text` cut to `columns` by dropping its start, beginning with `ellipsis` when cut ("…/models/x").
    public static func truncateLeading(_ text: String, to columns: Int, ellipsis: String = "…") -> String {
        guard columns > 0 else { return "" }
        if of(text) <= columns { return text }
        let room = columns - of(ellipsis)
        guard room > 0 else { return String(prefix(of: text, fitting: columns).text) }
        var width = 0
        var start = text.endIndex
        while start > text.startIndex {
            let previous = text.index(before: start)
            let w = of(text[previous])
            if width + w > room { break }
            width += w
            start = previous
        }
        return ellipsis + text[start...]
    }

    private static func isRegionalIndicator(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x1F1E6 && scalar.value <= 0x1F1FF
    }

    private static func contains(_ table: [ClosedRange<UInt32>], _ value: UInt32) -> Bool {
        var lo = 0, hi = table.count - 1
        if hi < 0 || value < table[0].lowerBound || value > table[hi].upperBound { return false }
        while lo <= hi {
            let mid = (lo + hi) / 2
            let range = table[mid]
            if value < range.lowerBound { hi = mid - 1 } else if value > range.upperBound { lo = mid + 1 } else { return true }
        }
        return false
    }
}
