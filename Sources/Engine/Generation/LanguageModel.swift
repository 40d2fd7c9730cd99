import DuetCore
import Tokenizers
/// Errors a generation request can raise before it starts.
public enum GenerationError: Error, Equatable, CustomStringConvertible {
    case emptyPrompt
    case tokenOutOfRange(TokenID, vocabularySize: Int)
    /// The prompt holds an image placeholder token; Duet runs T5Gemma 2's text part only.
    case imageInput(TokenID)

    public var description: String {
        switch self {
        case .emptyPrompt: "the prompt has no tokens"
        case let .tokenOutOfRange(id, v): "token id \(id) is outside the vocabulary (0..<\(v))"
        case let .imageInput(id):
            "the prompt holds the image token \(id): Duet runs T5Gemma 2 on text only (the vision tower is not loaded)"
        }
    }
}

/// The two families Duet runs.
public enum ModelArchitecture: String, Sendable, Codable {
    case decoderOnly = "decoder-only"
    case encoderDecoder = "encoder-decoder"
}

/// What the chat and compare screens need of a model, whichever its architecture.
public protocol LanguageModel: AnyObject, Sendable {
    var architecture: ModelArchitecture { get }
    var vocabularySize: Int { get }
    /// Total parameters.
    var parameterCount: Int { get }
    /// The weights by Hugging Face name.
    var parameters: ParameterStore { get }
    /// Generates after `prompt` (decoder-only: the whole prompt is the prefix; encoder-decoder: the
    /// prompt goes to the encoder and the decoder starts from `<bos>`). `onToken` sees each token
    /// as it is chosen; stops on `stopTokens` (unless `ignoreEOS`), `maxNewTokens`, or `cancel`.
    func generate(prompt: [TokenID], parameters: SamplingParameters, stopTokens: Set<TokenID>,
                  cancel: CancellationFlag?, onToken: (TokenID) -> Void) throws -> GenerationResult
    /// Average forward FLOPs per generated token (2 per multiply-add) over a generation of
    /// `generatedTokens` after a prompt of `promptTokens`.
    func flopsPerGeneratedToken(promptTokens: Int, generatedTokens: Int) -> Double
}

/// The decode loop shared by both architectures: sample, report, check stops, step.
enum GenerationLoop {
    /// `step(ids, count)` feeds tokens and returns the logits of the last one.
    static func run(firstLogits: UnsafePointer<Float>, vocabularySize v: Int, seen initialSeen: [TokenID],
                    parameters: SamplingParameters, stopTokens: Set<TokenID>, capacityLeft: Int,
                    cancel: CancellationFlag?, stats: inout GenerationStats, requestStart: Double,
                    onToken: (TokenID) -> Void,
                    step: (UnsafePointer<Int32>, Int) -> UnsafePointer<Float>) -> [TokenID] {
        var sampler = Sampler(parameters: parameters, vocabularySize: v)
        let settings = EffectiveSampling(parameters)
        var seen = [Bool](repeating: false, count: settings.repetitionPenalty != 1 ? v : 0)
        if !seen.isEmpty { for id in initialSeen where Int(id) < v { seen[Int(id)] = true } }
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: v)
        defer { scratch.deallocate() }
        var tokens: [TokenID] = []
        tokens.reserveCapacity(settings.maxTokens)
        var logits = firstLogits
        var next: Int32 = 0
        var firstTokenTime = 0.0
        stats.stopReason = .maxTokens
        while tokens.count < settings.maxTokens {
            if cancel?.isCancelled == true {
                stats.stopReason = .cancelled
                break
            }
            scratch.update(from: logits, count: v)
            if !seen.isEmpty { Sampler.penalize(scratch, seen: seen, penalty: settings.repetitionPenalty) }
            next = sampler.sample(scratch, count: v)
            tokens.append(next)
            if !seen.isEmpty { seen[Int(next)] = true }
            if tokens.count == 1 {
                firstTokenTime = nowMilliseconds()
                stats.timeToFirstTokenMilliseconds = firstTokenTime - requestStart
            }
            onToken(next)
            if !settings.ignoreEOS && stopTokens.contains(next) {
                stats.stopReason = .endOfSequence
                break
            }
            if tokens.count >= settings.maxTokens { break }
            if tokens.count >= capacityLeft {
                stats.stopReason = .contextFull
                break
            }
            logits = step(&next, 1)
        }
        stats.generatedTokens = tokens.count
        if tokens.count > 0 { stats.decodeMilliseconds = nowMilliseconds() - firstTokenTime }
        return tokens
    }

    static func validate(_ ids: [TokenID], vocabularySize: Int) throws {
        for id in ids where id < 0 || Int(id) >= vocabularySize {
            throw GenerationError.tokenOutOfRange(id, vocabularySize: vocabularySize)
        }
    }
}
