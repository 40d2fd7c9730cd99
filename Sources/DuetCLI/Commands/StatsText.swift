import Engine
import Foundation
import Sessions

/// Generation statistics as one line, in the vocabulary of llama.cpp and Ollama: time to first token,
/// prompt speed (prefill, or encode for encoder-decoder models), decode speed, tokens, why it stopped.
package enum StatsText {
    package static func footer(_ s: MessageStats) -> String {
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

    package static func stopText(_ reason: MessageStats.StopReason) -> String {
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
    package static func ms(_ value: Double) -> String {
        value >= 1000 ? String(format: "%.2f s", value / 1000) : String(format: "%.0f ms", value)
    }

    /// "827 tok/s" for `tokens` in `milliseconds`.
    package static func rate(_ tokens: Int, _ milliseconds: Double) -> String {
        guard milliseconds > 0 else { return "- tok/s" }
        let r = Double(tokens) * 1000 / milliseconds
        return r >= 100 ? String(format: "%.0f tok/s", r) : String(format: "%.1f tok/s", r)
    }

    /// "1.23 MFLOP", "4.56 GFLOP".
    package static func flops(_ value: Double) -> String {
        switch value {
        case 1e12...: return String(format: "%.2f TFLOP", value / 1e12)
        case 1e9...: return String(format: "%.2f GFLOP", value / 1e9)
        case 1e6...: return String(format: "%.2f MFLOP", value / 1e6)
        case 1e3...: return String(format: "%.2f KFLOP", value / 1e3)
        default: return String(format: "%.0f FLOP", value)
        }
    }

    /// While streaming: "generating · 123 tok · 45.6 tok/s".
    package static func live(tokens: Int, seconds: Double) -> String {
        var text = "generating · \(tokens) tok"
        if seconds > 0.2, tokens > 1 { text += String(format: " · %.1f tok/s", Double(tokens) / seconds) }
        return text
    }
}
