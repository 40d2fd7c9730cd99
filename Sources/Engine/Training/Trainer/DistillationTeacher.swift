#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A frozen teacher for distillation: runs on the full sequence (prefix and continuation) of each
/// student prefix-LM row and keeps, for every continuation token, the teacher's top-k next-token
/// probabilities renormalised over those k (a softmax of the k largest final logits).
///
/// Any pairing of architectures works, as each student row is first reduced to what it means:
/// a prefix and its continuation.
/// - encoder-decoder student: prefix = the encoder tokens, continuation = the decoder targets;
/// - decoder-only student: the continuation starts at the first counted target, the prefix is every
///   token up to and including the position that predicts it.
/// The teacher then sees the prefix and continuation its own way: decoder-only, as one sequence
/// (the logits at the prefix's last token predict the first continuation token); encoder-decoder,
/// prefix to the encoder and `<bos>` + continuation to the decoder.
public final class DistillationTeacher: @unchecked Sendable {
    public let model: any LanguageModel
    public let topK: Int
    private let bos: TokenID
    private let pad: TokenID
    private var decoderOnlyActivations = ActivationCache<[Int], Gemma2Model.Activations>(capacity: 2)
    private var encoderDecoderActivations = ActivationCache<[Int], T5GemmaModel.Activations>(capacity: 2)

    /// Wraps a loaded teacher (inference weights, any dtype).
    public init(model: any LanguageModel, topK: Int) throws {
        guard topK >= 1 else { throw TrainingError.distillation("top-k must be at least 1") }
        switch model {
        case let m as Gemma2Model: (bos, pad) = (m.config.bosTokenID, m.config.padTokenID)
        case let m as T5GemmaModel: (bos, pad) = (m.config.bosTokenID, m.config.padTokenID)
        default: throw TrainingError.distillation("the teacher must be a Gemma 2 or T5Gemma model")
        }
        guard topK <= model.vocabularySize else {
            throw TrainingError.distillation("top-k \(topK) exceeds the teacher's vocabulary of \(model.vocabularySize)")
        }
        self.model = model
        self.topK = topK
    }

    public var vocabularySize: Int { model.vocabularySize }

    /// One student row seen as a prefix and a continuation; `rows[j]` is the student logits row
    /// that must predict `continuation[j]`.
    struct PrefixRow {
        var prefix: [TokenID]
        var continuation: [TokenID]
        var rows: [Int]
    }

    /// Soft targets `[studentRows * k]` for `batch` (zeros on rows without a target).
    public func softTargets(for batch: TrainingBatch, student: TrainableModel) throws -> SoftTargets {
        let split = try Self.prefixRows(batch, encoderDecoder: student.isEncoderDecoder)
        let studentRows = batch.decoderInput.batch * batch.decoderInput.length
        var ids = [Int32](repeating: 0, count: studentRows * topK)
        var probabilities = [Float](repeating: 0, count: studentRows * topK)
        let (logits, teacherRow) = try run(split)
        // (student row, teacher logits row) pairs.
        var pairs: [(Int, Int)] = []
        for (b, row) in split.enumerated() {
            for j in row.continuation.indices { pairs.append((row.rows[j], teacherRow(b, j))) }
        }
        let vocab = vocabularySize, k = topK
        ids.withUnsafeMutableBufferPointer { idp in
            probabilities.withUnsafeMutableBufferPointer { pp in
                let idBase = idp.baseAddress!, pBase = pp.baseAddress!
                EngineThreads.parallelFor(pairs.count, minimumPerChunk: 8) { range in
                    for i in range {
                        let (s, t) = pairs[i]
                        Self.topKSoftmax(logits + t * vocab, vocab: vocab, k: k, ids: idBase + s * k, probabilities: pBase + s * k)
                    }
                }
            }
        }
        return SoftTargets(k: topK, ids: ids, probabilities: probabilities)
    }

    /// Splits each row of a prefix-LM batch into prefix and continuation (see the type's doc).
    static func prefixRows(_ batch: TrainingBatch, encoderDecoder: Bool) throws -> [PrefixRow] {
        let dec = batch.decoderInput
        guard dec.segments == nil, batch.encoderInput?.segments == nil else {
            throw TrainingError.distillation("packed rows (several documents per row) are not supported; disable packing")
        }
        return try (0..<dec.batch).map { b in
            let base = b * dec.length
            let counted = (0..<dec.length).filter { batch.targets[base + $0] != -100 }
            guard let first = counted.first else { return PrefixRow(prefix: [], continuation: [], rows: []) }
            guard counted.last! - first + 1 == counted.count else {
                throw TrainingError.distillation("row \(b) has targets in several spans; distillation needs prefix-LM rows (one continuation after one prefix)")
            }
            let continuation = counted.map { batch.targets[base + $0] }
            let prefix: [TokenID]
            if encoderDecoder {
                let enc = batch.encoderInput!
                prefix = (0..<enc.length).filter { enc.valid[b * enc.length + $0] }.map { enc.ids[b * enc.length + $0] }
            } else {
                prefix = Array(dec.ids[base...(base + first)])
            }
            guard !prefix.isEmpty else { throw TrainingError.distillation("row \(b) has an empty prefix") }
            return PrefixRow(prefix: prefix, continuation: continuation, rows: counted.map { base + $0 })
        }
    }

    /// Runs the teacher over `split`; returns its logits and where continuation token `j` of row `b`
    /// is predicted.
    private func run(_ split: [PrefixRow]) throws -> (UnsafePointer<Float>, (Int, Int) -> Int) {
        switch model {
        case let m as Gemma2Model:
            let sequences = split.map { $0.prefix + $0.continuation }
            let input = TokenBatch(sequences: sequences, padID: pad)
            let key = [input.batch, input.length]
            let acts = decoderOnlyActivations.value(for: key) {
                m.makeActivations(batch: input.batch, length: input.length, training: false)
            }
            m.forward(input, acts)
            let length = input.length
            return (UnsafePointer(acts.logits.f32), { b, j in b * length + split[b].prefix.count - 1 + j })
        case let m as T5GemmaModel:
            let encoder = TokenBatch(sequences: split.map { $0.prefix.isEmpty ? [pad] : $0.prefix }, padID: pad)
            let decoder = TokenBatch(sequences: split.map { [bos] + $0.continuation.dropLast() }, padID: pad)
            let key = [encoder.batch, encoder.length, decoder.length]
            let acts = encoderDecoderActivations.value(for: key) {
                m.makeActivations(batch: encoder.batch, encoderLength: encoder.length, decoderLength: decoder.length, training: false)
            }
            m.forward(encoderInput: encoder, decoderInput: decoder, acts)
            let length = decoder.length
            return (UnsafePointer(acts.logits.f32), { b, j in b * length + j })
        default:
            throw TrainingError.distillation("unsupported teacher")
        }
    }

    /// The `k` largest logits (ties: lower id first) and their softmax over those `k`.
    static func topKSoftmax(_ x: UnsafePointer<Float>, vocab: Int, k: Int, ids: UnsafeMutablePointer<Int32>,
                            probabilities: UnsafeMutablePointer<Float>) {
        // Insertion into a sorted list of k (descending); k is small next to the vocabulary.
        var count = 0
        for i in 0..<vocab {
            let value = x[i]
            if count == k && !(value > x[Int(ids[k - 1])]) { continue }
            var p = min(count, k - 1)
            while p > 0 && value > x[Int(ids[p - 1])] {
                ids[p] = ids[p - 1]
                p -= 1
            }
            ids[p] = Int32(i)
            if count < k { count += 1 }
        }
        let maximum = Double(x[Int(ids[0])])
        var sum = 0.0
        for j in 0..<count { sum += exp(Double(x[Int(ids[j])]) - maximum) }
        for j in 0..<count { probabilities[j] = Float(exp(Double(x[Int(ids[j])]) - maximum) / sum) }
    }
}
