import CNcurses
#if canImport(Glibc)
import Glibc
#endif

/// Why the terminal UI could not start.
public enum TerminalError: Error, CustomStringConvertible {
    case notATerminal
    case unknownTerminalType(String)

    public var description: String {
        switch self {
        case .notATerminal:
            return "the terminal UI needs an interactive terminal (stdin and stdout must be a TTY)"
        case .unknownTerminalType(let type):
            return "cannot use terminal type \"\(type)\" (set TERM to a type in the terminfo database, e.g. xterm-256color)"
        }
    }
}

/// What one `present` call sent to ncurses.
public struct PresentStats: Equatable {
    public var cellsWritten = 0
    public var fullRedraw = false
}

/// The one owner of ncurses: starts and ends curses mode, maps theme roles to colour pairs, sends a
/// `CellGrid` to the screen (only the cells that changed since the last frame), and reads raw input.
/// Use from the UI thread only.
public final class CursesTerminal {
    public let depth: ColorDepth
    public let glyphs: Glyphs
    public let isUTF8: Bool
    public let terminalType: String
    private let theme: Theme
    private var screen: OpaquePointer?
    private var looks: [(attributes: attr_t, pair: Int32)] = []
    private var previous: CellGrid? = nil
    private var cursorVisible: Int32 = -1
    private var terminalWidths: [UInt32: Int] = [:]
    private var isOpen = false
    private var isInteractive = false

    /// Paste markers defined with `define_key` (codes above ncurses' KEY_MAX).
    static let pasteStartCode: Int32 = 0x7F01
    static let pasteEndCode: Int32 = 0x7F02

    /// Enters curses mode. `wakeFD` receives a byte on every SIGWINCH (see `cn_install_winch_wakeup`).
    public init(environment: [String: String], theme: Theme = .standard, wakeFD: Int32) throws {
        guard isatty(0) == 1, isatty(1) == 1 else { throw TerminalError.notATerminal }
        let locale = TerminalLocale.configure()
        isUTF8 = locale.isUTF8
        glyphs = TerminalLocale.glyphs(isUTF8: locale.isUTF8, environment: environment)
        self.theme = theme
        var type = environment["TERM"] ?? ""
        if type.isEmpty || type == "dumb" { throw TerminalError.unknownTerminalType(type.isEmpty ? "(TERM unset)" : type) }
        // COLORTERM=truecolor with a 256-colour TERM: use the direct-colour variant when terminfo has it.
        var opened: OpaquePointer? = nil
        if let colorterm = environment["COLORTERM"]?.lowercased(), colorterm == "truecolor" || colorterm == "24bit",
           type.hasSuffix("-256color") {
            let direct = String(type.dropLast("-256color".count)) + "-direct"
            opened = Self.quietNewterm(direct)
            if opened != nil { type = direct }
        }
        if opened == nil { opened = Self.quietNewterm(type) }
        guard let opened else { throw TerminalError.unknownTerminalType(type) }
        screen = opened
        terminalType = type
        isOpen = true
        raw()
        noecho()
        nonl()
        keypad(cn_stdscr(), true)
        nodelay(cn_stdscr(), true)
        set_escdelay(25)  // ncurses waits this long after Esc for the rest of a key sequence
        _ = curs_set(0)
        _ = define_key("\u{1B}[200~", Self.pasteStartCode)
        _ = define_key("\u{1B}[201~", Self.pasteEndCode)
        let hasColors = has_colors()
        if hasColors {
            start_color()
            use_default_colors()
        }
        depth = ColorDepth.detect(hasColors: hasColors, colors: Int(cn_colors()), environment: environment)
        setUpLooks()
        cn_write_tty("\u{1B}[?2004h")  // bracketed paste on
        _ = cn_install_winch_wakeup(wakeFD)
        isInteractive = true
    }

    /// An off-screen terminal of type `type` writing to `outputPath` (for `duet bench tui`): the same
    /// ncurses work as on screen, without a TTY, signals or input.
    init(offscreen type: String, outputPath: String, width: Int, height: Int, environment: [String: String]) throws {
        _ = TerminalLocale.configure()
        isUTF8 = true
        glyphs = .unicode
        theme = .standard
        terminalType = type
        guard let opened = cn_newterm_file(type, outputPath) else { throw TerminalError.unknownTerminalType(type) }
        screen = opened
        isOpen = true
        resizeterm(Int32(height), Int32(width))
        if has_colors() {
            start_color()
            use_default_colors()
        }
        depth = ColorDepth.detect(hasColors: has_colors(), colors: Int(cn_colors()), environment: environment)
        setUpLooks()
    }

    deinit { close() }

    /// Leaves curses mode and restores the terminal (idempotent).
    public func close() {
        guard isOpen else { return }
        isOpen = false
        endwin()
        if isInteractive {
            cn_remove_winch_wakeup()
            cn_write_tty("\u{1B}[?2004l")
        }
        if let screen { delscreen(screen) }
        screen = nil
    }

    /// Current size in cells.
    public var size: (width: Int, height: Int) {
        var h: Int32 = 0, w: Int32 = 0
        cn_getmaxyx(cn_stdscr(), &h, &w)
        return (Int(w), Int(h))
    }

    /// Writes an escape sequence straight to the terminal (OSC 52 clipboard), after the frame.
    public func writeRaw(_ sequence: String) {
        guard isInteractive else { return }
        cn_write_tty(sequence)
    }

    /// Makes the next `present` repaint every cell (after Ctrl+L or a resize).
    public func invalidate() {
        previous = nil
    }

    /// Sends the cells of `grid` that differ from the previous frame, then updates the physical screen.
    @discardableResult
    public func present(_ grid: CellGrid) -> PresentStats {
        var stats = PresentStats()
        let old = previous.flatMap { $0.width == grid.width && $0.height == grid.height ? $0 : nil }
        if old == nil {
            clearok(cn_stdscr(), true)
            stats.fullRedraw = true
        }
        for y in 0..<grid.height {
            let base = y * grid.width
            for x in 0..<grid.width {
                let cell = grid.cells[base + x]
                if let old, old.cells[base + x] == cell { continue }
                if cell.isContinuation { continue }
                draw(cell, x: x, y: y, isWide: x + 1 < grid.width && grid.cells[base + x + 1].isContinuation)
                stats.cellsWritten += 1
            }
        }
        let visible: Int32 = grid.cursor == nil ? 0 : 1
        if visible != cursorVisible { _ = curs_set(visible); cursorVisible = visible }
        if let c = grid.cursor { move(Int32(c.y), Int32(c.x)) }
        refresh()
        previous = grid
        return stats
    }

    /// Reads all pending input without blocking.
    public func readInput() -> [RawInput] {
        var result: [RawInput] = []
        var value: UInt32 = 0
        while true {
            let kind = cn_get_wch(&value)
            if kind == ERR { break }
            if kind == KEY_CODE_YES {
                if let raw = CursesKeys.decode(code: Int32(bitPattern: value)) { result.append(raw) }
            } else if let scalar = Unicode.Scalar(value) {
                result.append(.scalar(scalar))
            }
        }
        return result
    }

    // MARK: Drawing

    /// Sends one cell. The terminal measures characters with the C library's `wcwidth`, which can
    /// disagree with `DisplayWidth` (flags, emoji newer than glibc, ZWJ sequences most terminals cannot
    /// compose); whatever is sent must take exactly the cell's width, or every later cell on the row
    /// would shift. So: a cluster glibc agrees with goes out whole, minus anything after a ZWJ (the base
    /// emoji shows); a flag goes out as its two letters; otherwise the base plus padding, or U+FFFD.
    private func draw(_ cell: Cell, x: Int, y: Int, isWide: Bool) {
        let look = looks[Int(cell.style.role.rawValue)]
        let attrs = look.attributes | attributes(cell.style.attributes)
        let width = isWide ? 2 : 1
        if !isWide, cell.text.utf8.count == 1, let byte = cell.text.utf8.first, byte >= 0x20, byte < 0x7F {
            _ = cn_mvadd_char(Int32(y), Int32(x), UInt32(byte), attrs, look.pair)  // ASCII: most cells
            return
        }
        let scalars = Array(cell.text.unicodeScalars)
        func put(_ column: Int, _ cluster: [UInt32]) {
            if cluster.count == 1 {
                _ = cn_mvadd_char(Int32(y), Int32(column), cluster[0], attrs, look.pair)
                return
            }
            var buffer = cluster.map { wchar_t(bitPattern: $0) } + [0]
            _ = cn_mvadd_cluster(Int32(y), Int32(column), &buffer, attrs, look.pair)
        }
        func pad(from column: Int) { for c in column..<(x + width) { put(c, [0x20]) } }
        guard let first = scalars.first else { return }
        guard isUTF8 else {
            put(x, [first.isASCII ? first.value : 0x3F])
            pad(from: x + 1)
            return
        }
        let baseWidth = terminalWidth(first)
        if baseWidth < 1 || baseWidth > width {
            put(x, [0xFFFD])
            pad(from: x + 1)
            return
        }
        if baseWidth < width, scalars.count == width, scalars.allSatisfy({ terminalWidth($0) == 1 }) {
            for (i, scalar) in scalars.enumerated() { put(x + i, [scalar.value]) }  // a flag: two letters
            return
        }
        var cluster = [first.value]
        for scalar in scalars.dropFirst() {
            if scalar.value == 0x200D || cluster.count >= Int(CCHARW_MAX) || terminalWidth(scalar) != 0 { break }
            cluster.append(scalar.value)
        }
        put(x, cluster)
        pad(from: x + baseWidth)
    }

    /// glibc's width for a scalar (what ncurses and most terminals assume), cached.
    private func terminalWidth(_ scalar: Unicode.Scalar) -> Int {
        if scalar.value >= 0x20 && scalar.value < 0x7F { return 1 }
        if let known = terminalWidths[scalar.value] { return known }
        let w = Int(cn_wcwidth(scalar.value))
        terminalWidths[scalar.value] = w
        return w
    }

    private func attributes(_ a: TextAttributes) -> attr_t {
        var r = cn_a_normal()
        if a.contains(.bold) { r |= cn_a_bold() }
        if a.contains(.italic) { r |= cn_a_italic() }
        if a.contains(.underline) { r |= cn_a_underline() }
        if a.contains(.reverse) { r |= cn_a_reverse() }
        if a.contains(.dim) { r |= cn_a_dim() }
        return r
    }

    /// One colour pair per distinct (foreground, background) the theme uses at this depth.
    private func setUpLooks() {
        var pairs: [[Int]: Int32] = [[-1, -1]: 0]
        looks = StyleRole.allCases.map { role in
            let look = theme.look(role)
            guard depth != .monochrome else { return (attributes(look.monochrome), 0) }
            let key = [look.foreground?.index(for: depth) ?? -1, look.background?.index(for: depth) ?? -1]
            var pair = pairs[key]
            if pair == nil, pairs.count < Int(cn_color_pairs()) {
                let n = Int32(pairs.count)
                if init_extended_pair(n, Int32(key[0]), Int32(key[1])) == OK { pair = n; pairs[key] = n }
            }
            return (attributes(look.attributes), pair ?? 0)
        }
    }

    /// newterm returns nil (silently) for a type terminfo does not know; initscr would print and exit.
    private static func quietNewterm(_ type: String) -> OpaquePointer? { cn_newterm(type) }
}
