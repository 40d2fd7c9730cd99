import ArgumentParser
import Foundation
import Sessions

/// `duet bench tui`: what a frame of the terminal UI costs on a busy screen, against baselines measured
/// in the same run: a frame-diff update against a full repaint, and incremental markdown layout against
/// re-parsing the whole transcript.
struct TUIBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Measure frame render and redraw times of the terminal UI on a busy chat screen.")

    @Option(help: "Screen width in cells.") var width = 200
    @Option(help: "Screen height in cells.") var height = 60
    @Option(help: "Markdown lines in the transcript.") var lines = 2000
    @Option(help: "Frames per measurement.") var frames = 200
    @Option(help: "Chats in the sidebar list.") var chats = 300
    @Option(help: "Terminal type for ncurses output (written to /dev/null).") var term = "xterm-256color"

    func run() throws {
        let home = NSTemporaryDirectory() + "duet-bench-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: home) }
        let paths = DuetPaths.resolve(environment: ["DUET_HOME": home])
        // A busy chat screen: `chats` chats in the sidebar, the transcript split into messages with footers.
        let store = try DuetStore.open(path: paths.database)
        for i in 0..<chats { try store.createSession(title: "Chat \(i): 模型 comparison notes 👍") }
        let workspace = Workspace(paths: paths, store: store, assetsDirectory: home + "/no-assets")
        let shell = try AppShell(paths: paths, glyphs: .unicode, screens: workspace.makeScreens(), threads: 1)
        let chat = shell.screen(.chat) as! ChatScreen
        chat.transcript.setItems(Self.messages(lines: lines))
        let streamingId = chat.transcript.items.last!.id
        chat.editor.insert("Summarise the discussion above in three bullet points, 用中文 👍")
        shell.isDebugVisible = true
        let terminal = try CursesTerminal(offscreen: term, outputPath: "/dev/null", width: width, height: height,
                                          environment: ProcessInfo.processInfo.environment)
        defer { terminal.close() }
        var grid = CellGrid(width: width, height: height)
        shell.draw(into: &grid)
        terminal.present(grid)

        // Shell -> cell grid, one streamed token per frame (what every frame does).
        var token = 0
        func streamToken() {
            chat.transcript.append(token % 12 == 11 ? " tok\(token)\n" : " tok\(token)", to: streamingId)
            token += 1
        }
        let render = Self.measure(frames) { streamToken(); shell.draw(into: &grid) }
        var cells = 0
        let fullFrame = Self.measure(frames) {
            streamToken()
            shell.draw(into: &grid)
            terminal.invalidate()
            cells = terminal.present(grid).cellsWritten
        }
        let fullCells = cells
        let diffFrame = Self.measure(frames) {
            streamToken()
            shell.draw(into: &grid)
            cells = terminal.present(grid).cellsWritten
        }
        let diffCells = cells
        let idle = Self.measure(frames) { cells = terminal.present(grid).cellsWritten }

        // Markdown: append a token and lay out, incrementally vs from scratch.
        var document = MarkdownDocument(glyphs: .unicode, text: Self.transcript(lines: lines))
        _ = document.layout(width: width)
        let incremental = Self.measure(frames) {
            document.append(" more")
            _ = document.layout(width: width)
        }
        let source = document.source
        let reparse = Self.measure(max(3, frames / 20)) {
            var fresh = MarkdownDocument(glyphs: .unicode, text: source + " more")
            _ = fresh.layout(width: width)
        }

        print("duet bench tui: \(width)x\(height) chat screen (\(chats) chats listed), \(lines)-line markdown transcript in")
        print("\(chat.transcript.items.count) messages, the last one streaming one token per frame,")
        print("ncurses \(term) output to /dev/null (\(terminal.depth)); median of \(frames) frames")
        Self.row("render: shell -> cell grid, whole screen", render)
        Self.row("frame: render + full repaint (baseline)", fullFrame, note: "\(fullCells) cells sent")
        Self.row("frame: render + changed cells only", diffFrame,
                 note: "\(diffCells) cells sent, \(Self.ratio(fullFrame, diffFrame)) than the baseline")
        Self.row("present with nothing changed", idle)
        Self.row("markdown: append + relayout (incremental)", incremental)
        Self.row("markdown: reparse whole transcript (baseline)", reparse, note: "incremental is \(Self.ratio(reparse, incremental))")
        print(String(format: "frame budget at 60 Hz: 16.7 ms; a streamed-token frame uses %.1f%% of it", diffFrame / 16.7 * 100))
    }

    /// Median milliseconds of `n` runs of `body`.
    static func measure(_ n: Int, _ body: () -> Void) -> Double {
        var times: [Double] = []
        times.reserveCapacity(n)
        for _ in 0..<n {
            let t0 = TUIApp.clock()
            body()
            times.append((TUIApp.clock() - t0) * 1000)
        }
        times.sort()
        return times[times.count / 2]
    }

    static func row(_ label: String, _ ms: Double, note: String = "") {
        print("  " + label.padding(to: 48) + String(format: "%9.3f ms", ms) + (note.isEmpty ? "" : "   " + note))
    }

    static func ratio(_ baseline: Double, _ measured: Double) -> String {
        measured > 0 ? String(format: "%.1fx faster", baseline / measured) : "n/a"
    }

    /// The transcript cut into alternating user / model messages of about 20 source lines, with stats footers.
    static func messages(lines: Int) -> [TranscriptItem] {
        let source = transcript(lines: lines).split(separator: "\n", omittingEmptySubsequences: false)
        var items: [TranscriptItem] = []
        var start = 0
        while start < source.count {
            var end = min(source.count, start + 20)
            while end < source.count, source[start..<end].filter({ $0.hasPrefix("```") }).count % 2 == 1 { end += 1 }
            let user = items.count % 2 == 0
            let footer = user ? nil : StyledLine("TTFT 41 ms · prefill 212 tok (5120 tok/s) · decode 38.2 tok/s · 412 tok · end of turn", Style(.dim))
            items.append(TranscriptItem(id: Int64(items.count + 1), role: user ? .user : .assistant,
                                        header: StyledLine(user ? "You" : "gemma-2-2b-it", Style(.title, [.bold])),
                                        text: source[start..<end].joined(separator: "\n"), footer: footer, glyphs: .unicode))
            start = end
        }
        return items
    }

    /// A deterministic, varied markdown transcript: headings, styled prose with CJK and emoji, lists,
    /// quotes and code blocks (bench input only).
    static func transcript(lines: Int) -> String {
        var out: [String] = []
        var i = 0
        while out.count < lines {
            switch i % 6 {
            case 0: out.append("## Turn \(i / 6 + 1): **user** asks about *models*")
            case 1: out.append("Here is a **bold** claim with `inline_code()` and *emphasis*, plus 中文字符 and 😀 emoji, long enough to wrap on narrow screens: " + String(repeating: "lorem ipsum dolor sit amet ", count: 3))
            case 2: out += ["- first point with `code`", "- second point, **strong** text", "  1. nested numbered item"]
            case 3: out += ["```swift", "let model = try Model(path: \"gemma-2-2b\")  // \(i)", "for token in model.generate(prompt) { print(token) }", "```"]
            case 4: out.append("> quoted reply with _italic_ words and a 🇯🇵 flag")
            default: out.append("")
            }
            i += 1
        }
        return out.joined(separator: "\n") + "\n"
    }
}
