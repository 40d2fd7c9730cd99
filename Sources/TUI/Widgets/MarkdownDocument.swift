/// Markdown-lite for streamed model output: headings, **bold**, *italic*, `code`, bullet and numbered
/// lists, block quotes, rules and fenced code blocks.
///
/// Built for streaming: `append` takes text deltas; each completed source line is parsed once (its style
/// depends only on the lines before it, through the fence state) and its wrapped lines are cached per
/// width; only the trailing, still-growing line is parsed again on each frame. Source newlines are kept
/// as line breaks (chat output relies on them), so a paragraph is not reflowed across source lines.
public struct MarkdownDocument: TextContent {
    /// One parsed source line, ready to wrap.
    enum Block: Equatable {
        case text(body: StyledLine, firstPrefix: StyledLine, continuationPrefix: StyledLine)
        case rule(Style)
    }

    /// Fence state carried from line to line.
    struct FenceState: Equatable {
        var marker: String  // "```" or "~~~" (or longer); empty when not in a fence
        var isOpen: Bool { !marker.isEmpty }
        static let closed = FenceState(marker: "")
    }

    public let glyphs: Glyphs
    private let wrapper = TextWrapper()
    private var blocks: [Block] = []
    /// For each block: the index of the fenced code block it belongs to (fences included), or nil.
    private var blockCodeIndex: [Int?] = []
    private var codeBlocksOpened = 0
    private var pending = ""  // the line still streaming (no newline yet)
    private var fence = FenceState.closed
    // Layout cache: wrapped lines of blocks[0..<wrappedBlocks] at `wrappedWidth`, plus the pending line.
    private var wrapped: [StyledLine] = []
    private var wrappedCodeIndex: [Int?] = []
    private var pendingCodeIndex: Int?
    private var wrappedBlocks = 0
    private var wrappedWidth = -1
    private var pendingWrapped: [StyledLine] = []
    private var pendingIsWrapped = false

    public init(glyphs: Glyphs = .unicode, text: String = "") {
        self.glyphs = glyphs
        append(text)
    }

    /// The whole source text appended so far.
    public private(set) var source = ""

    /// Appends streamed text (any split: mid-line, mid-marker, mid-cluster is fine).
    public mutating func append(_ delta: String) {
        guard !delta.isEmpty else { return }
        source += delta
        pending += delta
        // Earlier newlines were consumed already: scan the pending line only when the delta brought one
        // (a long line streamed token by token is not rescanned on every token).
        while delta.contains("\n"), let newline = pending.firstIndex(of: "\n") {
            let line = String(pending[..<newline])
            pending.removeSubrange(...newline)
            let wasOpen = fence.isOpen
            blocks.append(parseLine(line, state: &fence))
            blockCodeIndex.append(codeIndex(wasOpen: wasOpen, isOpen: fence.isOpen, opened: &codeBlocksOpened))
        }
        pendingIsWrapped = false  // completed blocks wrap lazily in `layout`
    }

    /// Number of source lines parsed for good (completed lines).
    public var completedLineCount: Int { blocks.count }

    public mutating func layout(width: Int) -> Int {
        let width = max(1, width)
        if width != wrappedWidth {
            wrapped.removeAll(keepingCapacity: true)
            wrappedCodeIndex.removeAll(keepingCapacity: true)
            wrappedBlocks = 0
            wrappedWidth = width
            pendingIsWrapped = false
        }
        while wrappedBlocks < blocks.count {
            let lines = wrap(blocks[wrappedBlocks], width: width)
            wrapped += lines
            wrappedCodeIndex += repeatElement(blockCodeIndex[wrappedBlocks], count: lines.count)
            wrappedBlocks += 1
        }
        if !pendingIsWrapped {
            var state = fence
            pendingWrapped = pending.isEmpty ? [] : wrap(parseLine(pending, state: &state, isOpen: true), width: width)
            var opened = codeBlocksOpened
            pendingCodeIndex = codeIndex(wasOpen: fence.isOpen, isOpen: state.isOpen, opened: &opened)
            pendingIsWrapped = true
        }
        return wrapped.count + pendingWrapped.count
    }

    public func line(_ index: Int) -> StyledLine {
        index < wrapped.count ? wrapped[index] : pendingWrapped[index - wrapped.count]
    }

    /// The fenced code block (0 = the first, counted as `CodeBlocks.extract` counts) that display line
    /// `index` of the last layout belongs to, fences included; nil outside code blocks.
    public func codeBlockIndex(ofLine index: Int) -> Int? {
        index < wrappedCodeIndex.count ? wrappedCodeIndex[index] : pendingCodeIndex
    }

    /// The code block a source line belongs to, given the fence state before and after it.
    private func codeIndex(wasOpen: Bool, isOpen: Bool, opened: inout Int) -> Int? {
        if !wasOpen && isOpen { opened += 1 }
        return wasOpen || isOpen ? opened - 1 : nil
    }

    // MARK: Block parsing

    func parseLine(_ raw: String, state: inout FenceState, isOpen: Bool = false) -> Block {
        let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
        let trimmed = line.drop { $0 == " " }
        let indent = line.count - trimmed.count
        if state.isOpen {
            if indent <= 3, trimmed.hasPrefix(state.marker), trimmed.allSatisfy({ $0 == state.marker.first || $0 == " " }) {
                state = .closed
                return .rule(Style(.codeFence))
            }
            let gutter = StyledLine(glyphs.vertical + " ", Style(.codeFence))
            return .text(body: StyledLine(line, Style(.codeBlock)), firstPrefix: gutter, continuationPrefix: gutter)
        }
        if indent <= 3, let marker = fenceMarker(trimmed) {
            state = FenceState(marker: marker)
            let info = trimmed.dropFirst(marker.count).trimmingCharacters(in: " ")
            let label = glyphs.horizontal + glyphs.horizontal + (info.isEmpty ? "" : " " + info)
            return .text(body: StyledLine(label, Style(.codeFence)), firstPrefix: StyledLine(), continuationPrefix: StyledLine())
        }
        if indent <= 3, let level = headingLevel(trimmed) {
            let content = trimmed.dropFirst(level).drop { $0 == " " }
            let style = Style(.heading, level == 1 ? [.bold, .underline] : [.bold])
            return text(MarkdownInline.parse(String(content), base: style, isOpen: isOpen))
        }
        if indent <= 3, isRule(trimmed) { return .rule(Style(.dim)) }
        if trimmed.hasPrefix(">") {
            let content = trimmed.dropFirst().drop { $0 == " " }
            let bar = StyledLine((glyphs.isUnicode ? "▎" : "|") + " ", Style(.quote))
            let body = StyledLine(MarkdownInline.parse(String(content), base: Style(.quote, [.italic]), isOpen: isOpen))
            return .text(body: body, firstPrefix: bar, continuationPrefix: bar)
        }
        if let (marker, content) = listItem(trimmed) {
            let pad = String(repeating: " ", count: min(indent, 12))
            let shown = marker.first?.isNumber == true ? marker : glyphs.bullet
            var first = StyledLine(pad)
            first.append(shown, Style(.listMarker))
            first.append(" ")
            let continuation = StyledLine(String(repeating: " ", count: first.width))
            let body = StyledLine(MarkdownInline.parse(content, base: .normal, isOpen: isOpen))
            return .text(body: body, firstPrefix: first, continuationPrefix: continuation)
        }
        return text(MarkdownInline.parse(line, base: .normal, isOpen: isOpen))
    }

    private func text(_ spans: [Span]) -> Block {
        .text(body: StyledLine(spans), firstPrefix: StyledLine(), continuationPrefix: StyledLine())
    }

    private func wrap(_ block: Block, width: Int) -> [StyledLine] {
        switch block {
        case let .text(body, first, continuation):
            return wrapper.wrap(body, width: width, firstPrefix: first, continuationPrefix: continuation)
        case let .rule(style):
            return [StyledLine(String(repeating: glyphs.horizontal, count: width), style)]
        }
    }

    private func fenceMarker(_ s: Substring) -> String? {
        for c in ["`", "~"] as [Character] {
            let run = s.prefix { $0 == c }.count
            // A backtick fence's info string may not contain backticks (that would be inline code).
            if run >= 3, c == "~" || !s.dropFirst(run).contains("`") { return String(repeating: c, count: run) }
        }
        return nil
    }

    private func headingLevel(_ s: Substring) -> Int? {
        let level = s.prefix { $0 == "#" }.count
        guard (1...6).contains(level) else { return nil }
        let rest = s.dropFirst(level)
        return rest.isEmpty || rest.first == " " ? level : nil
    }

    private func isRule(_ s: Substring) -> Bool {
        let chars = s.filter { $0 != " " }
        guard chars.count >= 3, let c = chars.first, "-*_".contains(c) else { return false }
        return chars.allSatisfy { $0 == c }
    }

    /// `- item`, `* item`, `+ item`, `1. item`, `1) item`: (marker, content).
    private func listItem(_ s: Substring) -> (String, String)? {
        if let c = s.first, "-*+".contains(c), s.dropFirst().first == " " {
            return (String(c), String(s.dropFirst(2)))
        }
        let digits = s.prefix { $0.isASCII && $0.isNumber }
        guard (1...9).contains(digits.count) else { return nil }
        let rest = s.dropFirst(digits.count)
        guard let p = rest.first, p == "." || p == ")", rest.dropFirst().first == " " else { return nil }
        return (String(digits) + String(p), String(rest.dropFirst(2)))
    }
}

private extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        var s = self
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
