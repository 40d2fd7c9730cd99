import Tokenizers
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A frozen teacher for distillation: runs on the full sequence (prefix and continuation) of each
/// student prefix-LM example and keeps, for every continuation token, the teacher's top-k next-token
/// probabilities renormalised over those k (a softmax of the k largest final logits).
///
/// Any pairing of architectures works, as each student example is first reduced to what it means:
/// a prefix and its continuation.
/// - encoder-decoder student: prefix = the example's encoder tokens, continuation = its decoder targets;
/// - decoder-only student: the continuation starts at the example's first counted target, the prefix is
///   every token of the example up to and including the position that predicts it.
/// The teacher then sees the prefix and continuation its own way: decoder-only, as one sequence
/// (the logits at the prefix's last token predict the first continuation token); encoder-decoder,
/// prefix to the encoder and `<bos>` + continuation to the decoder.
///
/// Packed student rows (several examples each, told apart by `segments`) give packed teacher rows
/// with the same examples: the teacher computes exactly what it would on each example alone (its
/// attention stays inside the example and positions restart), and no row is wasted on padding.
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

    /// One student example seen as a prefix and a continuation; it sits in student row `studentRow`,
    /// and `rows[j]` is the student logits row that must predict `continuation[j]`.
    struct PrefixRow {
        var studentRow: Int
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
        guard !split.isEmpty else { return SoftTargets(k: topK, ids: ids, probabilities: probabilities) }
        let packed = batch.decoderInput.segments != nil
        let (logits, teacherRow) = try run(split, studentRows: batch.decoderInput.batch, packed: packed)
        // (student row, teacher logits row) pairs.
        var pairs: [(Int, Int)] = []
        for (i, example) in split.enumerated() {
            for j in example.continuation.indices { pairs.append((example.rows[j], teacherRow(i, j))) }
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

    /// The examples of a decoder row: ranges of its cells, one per segment (the whole row when unpacked).
    /// Padding belongs to the last segment and is left out.
    static func exampleSpans(_ input: TokenBatch, row b: Int) -> [(segment: Int32, cells: Range<Int>)] {
        let base = b * input.length
        guard let segments = input.segments else { return [(0, base..<(base + input.length))] }
        var spans: [(segment: Int32, cells: Range<Int>)] = []
        for t in base..<(base + input.length) where input.valid[t] {
            if let last = spans.last, last.segment == segments[t], last.cells.upperBound == t {
                spans[spans.count - 1].cells = last.cells.lowerBound..<(t + 1)
            } else {
                spans.append((segments[t], t..<(t + 1)))
            }
        }
        return spans
    }

    /// Splits each example of a prefix-LM batch into prefix and continuation (see the type's doc).
    static func prefixRows(_ batch: TrainingBatch, encoderDecoder: Bool) throws -> [PrefixRow] {
        let dec = batch.decoderInput
        var result: [PrefixRow] = []
        for b in 0..<dec.batch {
            for span in exampleSpans(dec, row: b) {
                let counted = span.cells.filter { batch.targets[$0] != -100 }
                guard let first = counted.first else { continue }
                guard counted.last! - first + 1 == counted.count else {
                    throw TrainingError.distillation("row \(b) has targets in several spans within one example; distillation needs prefix-LM examples (one continuation after one prefix)")
                }
                let prefix: [TokenID]
                if encoderDecoder {
                    let enc = batch.encoderInput!
                    prefix = (b * enc.length..<(b + 1) * enc.length)
                        .filter { enc.valid[$0] && (enc.segments == nil || enc.segments![$0] == span.segment) }
                        .map { enc.ids[$0] }
                } else {
                    prefix = Array(dec.ids[span.cells.lowerBound...first])
                }
                guard !prefix.isEmpty else { throw TrainingError.distillation("row \(b) has an example with an empty prefix") }
                result.append(PrefixRow(studentRow: b, prefix: prefix, continuation: counted.map { batch.targets[$0] }, rows: counted))
            }
        }
        return result
    }

    /// Teacher rows for `split`: one per example, or (packed) one per student row holding that row's
    /// examples. Returns, for each example, its teacher row and the offset of its first token there.
    static func teacherLayout(_ split: [PrefixRow], studentRows: Int, packed: Bool,
                              tokens: (PrefixRow) -> [TokenID]) -> (rows: [[[TokenID]]], place: [(row: Int, offset: Int)]) {
        guard packed else { return (split.map { [tokens($0)] }, split.indices.map { ($0, 0) }) }
        var rows = [[[TokenID]]](repeating: [], count: studentRows)
        var used = [Int](repeating: 0, count: studentRows)
        var place: [(row: Int, offset: Int)] = []
        for example in split {
            let t = tokens(example)
            place.append((example.studentRow, used[example.studentRow]))
            rows[example.studentRow].append(t)
            used[example.studentRow] += t.count
        }
        return (rows, place)
    }

    /// Runs the teacher over `split`; returns its logits and where continuation token `j` of example
    /// `i` is predicted.
    private func run(_ split: [PrefixRow], studentRows: Int, packed: Bool) throws -> (UnsafePointer<Float>, (Int, Int) -> Int) {
        switch model {
        case let m as Gemma2Model:
            let layout = Self.teacherLayout(split, studentRows: studentRows, packed: packed) { $0.prefix + $0.continuation }
            let input = BatchAssembler.layOut(layout.rows, packed: packed, pad: pad)
            let key = [input.batch, input.length]
            let acts = decoderOnlyActivations.value(for: key) {
                m.makeActivations(batch: input.batch, length: input.length, training: false)
            }
            m.forward(input, acts)
            let length = input.length, place = layout.place
            return (UnsafePointer(acts.logits.f32), { i, j in
                place[i].row * length + place[i].offset + split[i].prefix.count - 1 + j
            })
        case let m as T5GemmaModel:
            let encoderLayout = Self.teacherLayout(split, studentRows: studentRows, packed: packed) { $0.prefix }
            let decoderLayout = Self.teacherLayout(split, studentRows: studentRows, packed: packed) {
                [self.bos] + $0.continuation.dropLast()
            }
            let encoder = BatchAssembler.layOut(encoderLayout.rows, packed: packed, pad: pad)
            let decoder = BatchAssembler.layOut(decoderLayout.rows, packed: packed, pad: pad)
            let key = [encoder.batch, encoder.length, decoder.length]
            let acts = encoderDecoderActivations.value(for: key) {
                m.makeActivations(batch: encoder.batch, encoderLength: encoder.length, decoderLength: decoder.length, training: false)
            }
            m.forward(encoderInput: encoder, decoderInput: decoder, acts)
            let length = decoder.length, place = decoderLayout.place
            return (UnsafePointer(acts.logits.f32), { i, j in place[i].row * length + place[i].offset + j })
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
