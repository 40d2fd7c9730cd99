import ArgumentParser
import Foundation
import Engine
import Tokenizers

/// Parses comma-separated token ids ("2,17,5").
func parseTokenIDs(_ text: String, option: String) throws -> [TokenID] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
    return try parts.map { part in
        guard let id = TokenID(part), id >= 0 else {
            throw ValidationError("\(option): '\(part)' is not a token id (expected comma-separated non-negative integers)")
        }
        return id
    }
}

/// Writes a JSON value (dictionaries, arrays, numbers, strings) to stdout on one line.
package func printJSON(_ value: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// Whether `DUET_PACK_BF16=1` asks every command and the UI to pack bf16 matrices at load (docs/bf16-panels.md).
package var packBF16ByEnvironment: Bool { ProcessInfo.processInfo.environment["DUET_PACK_BF16"] == "1" }

/// Opens a model directory with a message that names it on failure (`quantization`: how to hold
/// the weights in memory, whatever the file stores).
/// `packBF16`: pack bf16 matrices into panels at load (docs/bf16-panels.md); `DUET_PACK_BF16=1` turns it on
/// for every command.
package func openModel(_ path: String, quantization: WeightQuantization? = nil,
               packBF16: Bool = packBF16ByEnvironment) throws -> LoadedModel {
    let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
    do {
        return try ModelLoader.load(directory: url, quantization: quantization, packBF16: packBF16)
    } catch {
        throw CommandFailure("cannot open model \(url.path): \(error)")
    }
}

extension GenerationStats {
    /// The stats as a JSON object with stable keys.
    var jsonObject: [String: Any] {
        [
            "prompt_tokens": promptTokens, "encoder_tokens": encoderTokens,
            "encode_ms": encodeMilliseconds, "prefill_ms": prefillMilliseconds,
            "prefill_tokens_per_second": prefillTokensPerSecond, "ttft_ms": timeToFirstTokenMilliseconds,
            "generated_tokens": generatedTokens, "decode_ms": decodeMilliseconds,
            "decode_tokens_per_second": decodeTokensPerSecond, "stop_reason": stopReason.rawValue,
        ]
    }

    /// One human line, llama.cpp style. The stop reason reads as the UI and the exports say it
    /// ("end of turn", "max tokens"); `jsonObject` keeps the raw value for scripts.
    var summary: String {
        var parts: [String] = []
        if encoderTokens > 0 { parts.append(String(format: "encode %d tok %.1f ms", encoderTokens, encodeMilliseconds)) }
        parts.append(String(format: "prefill %d tok %.1f ms (%.1f tok/s)", promptTokens, prefillMilliseconds, prefillTokensPerSecond))
        parts.append(String(format: "ttft %.1f ms", timeToFirstTokenMilliseconds))
        parts.append(String(format: "decode %d tok (%.2f tok/s)", generatedTokens, decodeTokensPerSecond))
        parts.append(StatsText.stopText(GenerationSettings.stopReason(stopReason)))
        return parts.joined(separator: " · ")
    }
}
