import Foundation

/// The decode cost `duet bench generate` printed.
struct BenchFigures: Sendable {
    var decodeTokensPerSecond: Double
    /// Encoder time of the prompt (encoder-decoders only).
    var encodeMilliseconds: Double?
    var prefillMilliseconds: Double

    /// Milliseconds per generated token.
    var decodeMillisecondsPerToken: Double { decodeTokensPerSecond > 0 ? 1000 / decodeTokensPerSecond : .infinity }

    static func parse(_ text: String, file: String) throws -> BenchFigures {
        func number(after prefix: String, before suffix: String) -> Double? {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return nil }
            let rest = line.dropFirst(prefix.count)
            let end = rest.range(of: suffix)?.lowerBound ?? rest.endIndex
            let words = rest[..<end].split(separator: " ")
            return words.last.flatMap { Double($0) }
        }
        guard let decode = number(after: "decode:", before: " tok/s"),
              let prefill = number(after: "prefill:", before: " ms") else {
            throw CommandFailure("\(file) is not the output of `duet bench generate`")
        }
        return BenchFigures(decodeTokensPerSecond: decode, encodeMilliseconds: number(after: "encode:", before: " ms"),
                            prefillMilliseconds: prefill)
    }
}
