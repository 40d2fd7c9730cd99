import Foundation
import Sessions

/// The list of chats beside the conversation: newest first, or, while searching (`/`), the chats and
/// messages matching the query (SQLite FTS5, newest first so it stays fast as you type).
struct SessionListPane {
    struct Row: Equatable {
        var sessionId: Int64
        /// The message a search hit points at (the chat opens on its branch).
        var messageId: Int64?
        var title: String
        var detail: String
    }

    private(set) var rows: [Row] = []
    var list = ListView()
    var search = InputEditor(placeholder: "search chats and messages")
    /// Whether the search field has focus (typing filters).
    private(set) var isSearching = false
    private(set) var error: String?
    /// The rows drawn for a width (rebuilt after `reload` or a resize, not on every frame).
    private var lineCache: (width: Int, lines: [StyledLine])?

    init() { search.prompt = StyledLine("/ ", Style(.accent, [.bold])) }

    var query: String { search.text }
    var selected: Row? { rows.indices.contains(list.selection) ? rows[list.selection] : nil }

    /// Lists the sessions (or re-runs the search), keeping the selection on `current` when it is listed.
    mutating func reload(_ store: DuetStore?, current: Int64?, now: Date = Date()) {
        lineCache = nil
        guard let store else { rows = []; return }
        do {
            if !query.isEmpty {
                // One row per chat: its title hit, else its newest matching message.
                var seen = Set<Int64>()
                let hits = try store.search(query, limit: 100, order: .recency).filter { seen.insert($0.sessionId).inserted }
                rows = hits.map { hit in
                    Row(sessionId: hit.sessionId, messageId: hit.messageId, title: hit.sessionTitle,
                        detail: hit.messageId == nil ? "title" : (hit.role?.rawValue ?? "") + ": " + Self.flatten(hit.snippet))
                }
            } else {
                rows = try store.sessions(limit: 500).map { summary in
                    Row(sessionId: summary.session.id, messageId: nil, title: summary.session.title,
                        detail: Self.age(summary.session.updatedAt, now: now) + " · \(summary.messageCount) msg")
                }
            }
            error = nil
        } catch {
            rows = []
            self.error = "\(error)"
        }
        if let current, query.isEmpty, let i = rows.firstIndex(where: { $0.sessionId == current }) { list.selection = i }
        list.selection = min(list.selection, max(0, rows.count - 1))
    }

    mutating func beginSearch() { isSearching = true }

    /// Leaves the search field; `clear` also drops the query (back to the full list).
    mutating func endSearch(clear: Bool) {
        isSearching = false
        if clear { search.setText(""); list.selection = 0 }
    }

    /// "now", "5m", "3h", "2d" or the date: how long ago a chat was updated.
    static func age(_ date: Date, now: Date) -> String {
        let seconds = max(0, now.timeIntervalSince(date))
        switch seconds {
        case ..<60: return "now"
        case ..<3600: return "\(Int(seconds / 60))m"
        case ..<86_400: return "\(Int(seconds / 3600))h"
        case ..<(86_400 * 30): return "\(Int(seconds / 86_400))d"
        default:
            let f = DateFormatter()
            f.dateFormat = "yyyy-MM-dd"
            return f.string(from: date)
        }
    }

    private static func flatten(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    /// Draws the pane: a title row, the search field when active, the rows (title, then detail dimmed).
    mutating func draw(in rect: Rect, grid: inout CellGrid, focused: Bool, glyphs: Glyphs, searchKey: String) {
        guard !rect.isEmpty else { return }
        grid.fill(rect)
        var (header, body) = rect.splitTop(1)
        var title = StyledLine(" Chats ", Style(.title, [.bold]))
        if !query.isEmpty { title.append("matching \"\(query)\"", Style(.dim)) } else if focused { title.append("(\(searchKey) search)", Style(.dim)) }
        grid.put(title, x: header.x, y: header.y, clip: header)
        if isSearching || !query.isEmpty {
            let (field, rest) = body.splitTop(1)
            search.draw(in: field, grid: &grid, focused: focused && isSearching)
            body = rest
        }
        if let error {
            drawCenteredMessage([StyledLine(error, Style(.error))], in: body, grid: &grid)
            return
        }
        if lineCache?.width != body.width { lineCache = (body.width, lines(width: body.width, glyphs: glyphs)) }
        list.draw(lineCache!.lines, in: body, grid: &grid, focused: focused && !isSearching,
                  emptyText: query.isEmpty ? "No chats yet" : "No match")
    }

    /// One line per row: the title, then the detail (age and size, or the matching snippet) dimmed.
    private func lines(width: Int, glyphs: Glyphs) -> [StyledLine] {
        rows.map { row -> StyledLine in
            var line = StyledLine(" ")
            let detailWidth = min(DisplayWidth.of(row.detail), max(0, width - 12))
            let titleRoom = max(1, width - detailWidth - 3)
            line.append(DisplayWidth.truncate(row.title, to: titleRoom, ellipsis: glyphs.ellipsis))
            let gap = max(1, width - line.width - detailWidth - 1)
            line.append(String(repeating: " ", count: gap))
            line.append(DisplayWidth.truncate(row.detail, to: detailWidth, ellipsis: glyphs.ellipsis), Style(.dim))
            return line
        }
    }
}
