import Engine
import Foundation
import Sessions

/// Generation statistics as one line, in the vocabulary of llama.cpp and Ollama: time to first token,
/// prompt speed (prefill, or encode for encoder-decoder models), decode speed, tokens, why it stopped.
enum StatsText {
    static func footer(_ s: MessageStats) -> String {
        var parts: [String] = []
        if let ttft = s.timeToFirstTokenMs { parts.append("TTFT \(ms(ttft))") }
        if let encodeMs = s.encodeMs, let encoderTokens = s.encoderTokens {
            parts.append("encode \(encoderTokens) tok \(ms(encodeMs)) (\(rate(encoderTokens, encodeMs)))")
        } else if let prefillMs = s.prefillMs {
            parts.append("prefill \(s.promptTokens) tok (\(rate(s.promptTokens, prefillMs)))")
        }
        if let decode = s.decodeTokensPerSecond { parts.append("decode " + String(format: "%.1f tok/s", decode)) }
        parts.append("\(s.generatedTokens) tok")
        if let reason = s.stopReason { parts.append(stopText(reason)) }
        return parts.joined(separator: " · ")
    }

    static func stopText(_ reason: MessageStats.StopReason) -> String {
        switch reason {
        case .endOfSequence: return "end of turn"
        case .maxTokens: return "max tokens"
        case .stopSequence: return "stop sequence"
        case .contextFull: return "context full"
        case .userStopped: return "stopped by you"
        case .error: return "error"
        }
    }

    /// "26 ms", "1.24 s".
    static func ms(_ value: Double) -> String {
        value >= 1000 ? String(format: "%.2f s", value / 1000) : String(format: "%.0f ms", value)
    }

    /// "827 tok/s" for `tokens` in `milliseconds`.
    static func rate(_ tokens: Int, _ milliseconds: Double) -> String {
        guard milliseconds > 0 else { return "- tok/s" }
        let r = Double(tokens) * 1000 / milliseconds
        return r >= 100 ? String(format: "%.0f tok/s", r) : String(format: "%.1f tok/s", r)
    }

    /// "1.23 MFLOP", "4.56 GFLOP".
    static func flops(_ value: Double) -> String {
        switch value {
        case 1e12...: return String(format: "%.2f TFLOP", value / 1e12)
        case 1e9...: return String(format: "%.2f GFLOP", value / 1e9)
        case 1e6...: return String(format: "%.2f MFLOP", value / 1e6)
        case 1e3...: return String(format: "%.2f KFLOP", value / 1e3)
        default: return String(format: "%.0f FLOP", value)
        }
    }

    /// `line`'s " · "-separated parts packed into lines of at most `width` columns, each starting with
    /// one space, so "decode 12.3 tok/s" stays whole and the stop reason, which comes last, is never cut
    /// off; a part wider than a line is word-wrapped on its own. Each part keeps its styles (a chat
    /// footer's "stopped" stands out from its numbers). Used under compare columns and chat replies.
    static func packed(_ line: StyledLine, width: Int) -> [StyledLine] {
        let width = max(1, width)
        // Each part with the style of the " · " before it (nil for the first).
        var parts: [(line: StyledLine, gap: Style?)] = [(StyledLine(), nil)]
        for span in line.spans {
            for (i, piece) in span.text.components(separatedBy: " · ").enumerated() {
                if i > 0 { parts.append((StyledLine(), span.style)) }
                parts[parts.count - 1].line.append(piece, span.style)
            }
        }
        parts = parts.map { (trimmed($0.line), $0.gap) }.filter { !$0.line.spans.isEmpty }
        guard let lead = parts.first?.line.spans.first?.style else { return [] }
        var lines: [StyledLine] = []
        var current = StyledLine()
        for part in parts {
            if !current.spans.isEmpty, current.width + 3 + part.line.width <= width {
                current.append(" · ", part.gap ?? lead)
            } else {
                if !current.spans.isEmpty { lines.append(current) }
                current = StyledLine(" ", lead)
            }
            for span in part.line.spans { current.append(span.text, span.style) }
        }
        lines.append(current)
        return lines.flatMap { TextWrapper().wrap($0, width: width, continuationPrefix: StyledLine(" ", lead)) }
    }

    /// `line` without spaces at its ends.
    private static func trimmed(_ line: StyledLine) -> StyledLine {
        var spans = line.spans
        while let first = spans.first, first.text.hasPrefix(" ") {
            let text = String(first.text.drop { $0 == " " })
            if text.isEmpty { spans.removeFirst() } else { spans[0] = Span(text, first.style) }
        }
        while let last = spans.last, last.text.hasSuffix(" ") {
            let text = String(last.text.reversed().drop { $0 == " " }.reversed())
            if text.isEmpty { spans.removeLast() } else { spans[spans.count - 1] = Span(text, last.style) }
        }
        return StyledLine(spans)
    }

    /// While streaming: "generating · 123 tok · 45.6 tok/s".
    static func live(tokens: Int, seconds: Double) -> String {
        var text = "generating · \(tokens) tok"
        if seconds > 0.2, tokens > 1 { text += String(format: " · %.1f tok/s", Double(tokens) / seconds) }
        return text
    }
}
