import DuetCore
import Engine
import Foundation

/// Copying text out of the terminal UI: an OSC 52 escape sequence asks the terminal (or tmux, or the
/// SSH client's terminal) to put the text on the system clipboard, and the same text is written to
/// `$DUET_HOME/clipboard.txt` for terminals that ignore OSC 52.
enum Clipboard {
    /// The OSC 52 sequence setting the clipboard ("c") to `text`.
    static func osc52(_ text: String) -> String {
        "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
    }

    /// The file copies also go to.
    static func filePath(home: String) -> String { home + "/clipboard.txt" }

    /// Writes `text` to the clipboard file (atomically; the directory is created if needed).
    static func writeFile(_ text: String, home: String) throws {
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: filePath(home: home)))
    }
}

/// The fenced code blocks of a markdown text (what copy mode offers besides whole messages).
enum CodeBlocks {
    struct Block: Equatable {
        /// The info string after the opening fence ("swift"), possibly empty.
        var info: String
        var code: String
    }

    /// Blocks opened by ``` or ~~~ (3 or more) and closed by the same fence; an unclosed block runs to the end.
    static func extract(_ markdown: String) -> [Block] {
        var blocks: [Block] = []
        var fence: String? = nil
        var info = ""
        var lines: [Substring] = []
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            let indent = line.count - trimmed.count
            if let open = fence {
                if indent <= 3, trimmed.hasPrefix(open), trimmed.allSatisfy({ $0 == open.first || $0 == " " }) {
                    blocks.append(Block(info: info, code: lines.joined(separator: "\n")))
                    fence = nil
                } else {
                    lines.append(line)
                }
                continue
            }
            guard indent <= 3, let c = trimmed.first, c == "`" || c == "~" else { continue }
            let run = trimmed.prefix { $0 == c }.count
            let rest = trimmed.dropFirst(run)
            guard run >= 3, c == "~" || !rest.contains("`") else { continue }
            fence = String(repeating: c, count: run)
            info = rest.trimmingCharacters(in: .whitespaces)
            lines = []
        }
        if fence != nil { blocks.append(Block(info: info, code: lines.joined(separator: "\n"))) }
        return blocks
    }
}
