import DuetCLI
import Sessions

/// One message as the transcript shows it: a header (who, which version, state), the text as
/// markdown-lite, and a footer (generation stats, or what is happening).
struct TranscriptItem {
    var id: Int64
    var role: Message.Role
    var header: StyledLine
    var body: MarkdownDocument
    var footer: StyledLine? { didSet { footerWidth = nil } }
    /// The footer packed at its " · " gaps for the last layout width (a reply's stats are often wider
    /// than the transcript, and a cut line hides the stop reason, which comes last).
    private(set) var footerLines: [StyledLine] = []
    private var footerWidth: Int?

    init(id: Int64, role: Message.Role, header: StyledLine, text: String, footer: StyledLine?, glyphs: Glyphs) {
        self.id = id
        self.role = role
        self.header = header
        self.body = MarkdownDocument(glyphs: glyphs, text: text)
        self.footer = footer
    }

    /// Packs the footer for `width` columns (only when the width or the footer changed); returns its line count.
    mutating func layoutFooter(width: Int) -> Int {
        if footerWidth != width {
            footerLines = footer.map { StatsText.packed($0, width: width) } ?? []
            footerWidth = width
        }
        return footerLines.count
    }
}

/// The conversation on screen: messages one after another, each body behind a coloured gutter, as
/// `TextContent` for a `TextView`. Each body wraps (and re-wraps while streaming) on its own, so a
/// streamed token re-lays out only the last message.
struct ChatTranscript: TextContent {
    private(set) var items: [TranscriptItem] = []
    /// The message highlighted in copy mode.
    var selectedItem: Int?
    /// The code block of the selected message highlighted in copy mode (nil: the whole message).
    var selectedCodeBlock: Int?
    private var offsets: [Int] = []  // first display line of each item, plus the total at the end
    private var bodyCounts: [Int] = []
    private var footerCounts: [Int] = []
    private var width = 0
    let glyphs: Glyphs

    init(glyphs: Glyphs = .unicode) { self.glyphs = glyphs }

    var isEmpty: Bool { items.isEmpty }

    mutating func setItems(_ newItems: [TranscriptItem]) {
        items = newItems
        if let s = selectedItem, s >= items.count { selectedItem = items.isEmpty ? nil : items.count - 1 }
    }

    func index(of id: Int64) -> Int? { items.lastIndex { $0.id == id } }

    /// Appends streamed text to a message's body.
    mutating func append(_ text: String, to id: Int64) {
        guard let i = index(of: id) else { return }
        items[i].body.append(text)
    }

    mutating func setFooter(_ footer: StyledLine?, of id: Int64) {
        guard let i = index(of: id) else { return }
        items[i].footer = footer
    }

    mutating func setHeader(_ header: StyledLine, of id: Int64) {
        guard let i = index(of: id) else { return }
        items[i].header = header
    }

    /// The display lines of item `i` in the last layout.
    func lineRange(ofItem i: Int) -> Range<Int> {
        guard i < items.count, i + 1 < offsets.count else { return 0..<0 }
        return offsets[i]..<offsets[i + 1]
    }

    // MARK: TextContent

    mutating func layout(width: Int) -> Int {
        self.width = max(1, width)
        let bodyWidth = max(1, self.width - 2)
        offsets.removeAll(keepingCapacity: true)
        bodyCounts.removeAll(keepingCapacity: true)
        footerCounts.removeAll(keepingCapacity: true)
        var total = 0
        for i in items.indices {
            offsets.append(total)
            let count = items[i].body.layout(width: bodyWidth)
            bodyCounts.append(count)
            let footerCount = items[i].layoutFooter(width: max(1, self.width - 1))
            footerCounts.append(footerCount)
            total += 1 + count + footerCount + 1  // header, body, footer, blank
        }
        offsets.append(total)
        return total
    }

    func line(_ index: Int) -> StyledLine {
        var lo = 0, hi = items.count - 1
        while lo < hi {  // the last item whose first line is <= index
            let mid = (lo + hi + 1) / 2
            if offsets[mid] <= index { lo = mid } else { hi = mid - 1 }
        }
        let item = items[lo]
        let local = index - offsets[lo]
        let selected = selectedItem == lo
        let gutterStyle = selected ? Style(.selection, [.bold]) : Style(item.role == .user ? .accent : .listMarker)
        if local == 0 {
            var line = StyledLine(selected ? "▶ " : "", gutterStyle)
            for span in item.header.spans { line.append(span.text, span.style) }
            return line
        }
        let bodyCount = bodyCounts[lo]
        if local <= bodyCount {
            if selected, let block = selectedCodeBlock {
                // Only the chosen code block carries the selection mark; the rest of the message is plain.
                let inBlock = item.body.codeBlockIndex(ofLine: local - 1) == block
                var line = inBlock ? StyledLine(glyphs.isUnicode ? "┃ " : "# ", Style(.selection, [.bold]))
                                   : StyledLine(glyphs.isUnicode ? "▌ " : "| ", Style(.listMarker))
                for span in item.body.line(local - 1).spans { line.append(span.text, span.style) }
                return line
            }
            var line = StyledLine(glyphs.isUnicode ? "▌ " : "| ", gutterStyle)
            for span in item.body.line(local - 1).spans { line.append(span.text, span.style) }
            return line
        }
        let footerLine = local - bodyCount - 1
        if footerLine < footerCounts[lo], footerLine < item.footerLines.count {
            // The packed lines start with a space: with this one, footers keep their two-column indent.
            var line = StyledLine(" ")
            for span in item.footerLines[footerLine].spans { line.append(span.text, span.style) }
            return line
        }
        return StyledLine()
    }
}
