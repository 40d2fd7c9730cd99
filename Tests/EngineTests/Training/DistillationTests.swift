import Foundation
import Testing
@testable import Engine
@testable import Tokenizers

/// Soft targets from a teacher: the right teacher position for every student target, whatever the
/// two architectures, top-k renormalised; and a distillation step mixing the two losses.
@Suite struct DistillationTests {
    static let rows: [[TokenID]] = {
        var corpus = MarkovCorpus(seed: 77)
        return [corpus.sequence(length: 12), Array(corpus.sequence(length: 9))]
    }()

    static func gemma2Teacher(seed: UInt64) throws -> Gemma2Model {
        guard case let .decoderOnly(m) = try TinyModels.model(.gemma2(TinyModels.gemma2Config()), seed: seed, initializerRange: 0.3).architecture
        else { throw TrainingError.notTrainable }
        return m
    }

    static func t5gemmaTeacher(seed: UInt64) throws -> T5GemmaModel {
        guard case let .encoderDecoder(m) = try TinyModels.model(.t5gemma(TinyModels.t5gemmaConfig()), seed: seed, initializerRange: 0.3).architecture
        else { throw TrainingError.notTrainable }
        return m
    }

    /// Softmax over the `k` largest of `logits`, by id.
    static func topK(_ logits: [Float], k: Int) -> [Int32: Double] {
        let order = logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }.prefix(k)
        let m = Double(logits[order.first!])
        let z = order.reduce(0.0) { $0 + exp(Double(logits[$1]) - m) }
        return Dictionary(uniqueKeysWithValues: order.map { (Int32($0), exp(Double(logits[$0]) - m) / z) })
    }

    /// Teacher logits (decoder-only) of one unpadded sequence.
    static func logits(_ teacher: Gemma2Model, _ ids: [TokenID]) -> [[Float]] {
        let acts = teacher.makeActivations(batch: 1, length: ids.count, training: false)
        teacher.forward(TokenBatch(sequences: [ids], padID: 0), acts)
        let v = teacher.config.vocabSize, all = acts.logits.toArray()
        return (0..<ids.count).map { Array(all[$0 * v..<($0 + 1) * v]) }
    }

    static func check(_ soft: SoftTargets, row: Int, against expected: [Int32: Double], k: Int) {
        var total = 0.0
        for j in 0..<k {
            let id = soft.ids[row * k + j], p = Double(soft.probabilities[row * k + j])
            #expect(abs(p - (expected[id] ?? -1)) < 1e-5, "row \(row) id \(id): \(p) vs \(expected[id] ?? -1)")
            if j > 0 { #expect(soft.probabilities[row * k + j] <= soft.probabilities[row * k + j - 1]) }
            total += p
        }
        #expect(abs(total - 1) < 1e-5)
    }

    @Test func encoderDecoderStudentFromDecoderOnlyTeacher() throws {
        let teacherModel = try Self.gemma2Teacher(seed: 5)
        let teacher = try DistillationTeacher(model: teacherModel, topK: 4)
        let student = try TinyModels.model(.t5gemma(TinyModels.t5gemmaConfig()), seed: 6)
        let batch = TestBatches.prefix(Self.rows, split: 5, encoderLength: 6, decoderLength: 8)
        let soft = try teacher.softTargets(for: batch, student: student)
        #expect(soft.k == 4 && soft.ids.count == batch.targets.count * 4)
        for (b, row) in Self.rows.enumerated() {
            // The teacher reads <bos> + prefix + continuation; position (prefix end + t) predicts label t.
            let prefix = [TokenID(2)] + row.prefix(5), labels = Array(row.dropFirst(5))
            let logits = Self.logits(teacherModel, prefix + labels)
            for t in 0..<8 {
                let r = b * 8 + t
                if batch.targets[r] == -100 {
                    #expect(soft.probabilities[r * 4..<(r + 1) * 4].allSatisfy { $0 == 0 })
                    continue
                }
                #expect(batch.targets[r] == labels[t])
                Self.check(soft, row: r, against: Self.topK(logits[prefix.count - 1 + t], k: 4), k: 4)
            }
        }
    }

    @Test func decoderOnlyStudentFromEncoderDecoderTeacher() throws {
        let teacherModel = try Self.t5gemmaTeacher(seed: 8)
        let teacher = try DistillationTeacher(model: teacherModel, topK: 3)
        let student = try TinyModels.model(.gemma2(TinyModels.gemma2Config()), seed: 9)
        // Decoder-only prefix-LM rows: <bos> + prefix (5 tokens) + continuation; targets from the last prefix token on.
        let sequences = Self.rows.map { [TokenID(2)] + $0 }
        let input = TokenBatch(sequences: sequences, padID: 0, length: 14)
        var targets = Gemma2Model.shiftedTargets(input)
        for b in 0..<2 { for t in 0..<5 { targets[b * 14 + t] = -100 } }
        let batch = TrainingBatch(encoderInput: nil, decoderInput: input, targets: targets)
        let soft = try teacher.softTargets(for: batch, student: student)
        for (b, sequence) in sequences.enumerated() {
            let prefix = Array(sequence.prefix(6)), continuation = Array(sequence.dropFirst(6))
            let acts = teacherModel.makeActivations(batch: 1, encoderLength: prefix.count, decoderLength: continuation.count)
            teacherModel.forward(encoderInput: TokenBatch(sequences: [prefix], padID: 0),
                                 decoderInput: TokenBatch(sequences: [[2] + continuation.dropLast()], padID: 0), acts)
            let v = TinyModels.vocab, all = acts.logits.toArray()
            for j in continuation.indices {
                let r = b * 14 + 5 + j
                #expect(targets[r] == continuation[j])
                Self.check(soft, row: r, against: Self.topK(Array(all[j * v..<(j + 1) * v]), k: 3), k: 3)
            }
        }
    }

    @Test func distillationStepMixesSoftAndHardLosses() throws {
        let teacher = try DistillationTeacher(model: try Self.gemma2Teacher(seed: 5), topK: 8)
        let student = try TinyModels.model(.t5gemma(TinyModels.t5gemmaConfig()), seed: 6)
        let batch = TestBatches.prefix(Self.rows, split: 5, encoderLength: 6, decoderLength: 8)
        let config = TrainingConfig(steps: 3, learningRate: 1e-2,
                                    distillation: DistillationConfig(teacherDirectory: "(in memory)", topK: 8, weight: 0.25))
        let trainer = try Trainer(model: student, config: config, teacher: teacher)
        let report = try trainer.trainStep([batch])
        let soft = try #require(report.softLoss)
        #expect(abs(report.loss - (0.25 * soft + 0.75 * report.hardLoss)) < 1e-12)
        #expect(soft > 0 && soft.isFinite && soft != report.hardLoss)
        // Weight 0 is plain training: same step as without a teacher.
        var plain = config
        plain.distillation!.weight = 0
        let a = try Trainer(model: try TinyModels.model(.t5gemma(TinyModels.t5gemmaConfig()), seed: 6), config: plain, teacher: teacher)
        var none = config
        none.distillation = nil
        let b = try Trainer(model: try TinyModels.model(.t5gemma(TinyModels.t5gemmaConfig()), seed: 6), config: none)
        #expect(try a.trainStep([batch]).loss == b.trainStep([batch]).loss)
        #expect(a.model.parameters.flat!.toArray() == b.model.parameters.flat!.toArray())
    }

    @Test func rowsWithSeveralTargetSpansAreRejected() throws {
        let teacher = try DistillationTeacher(model: try Self.gemma2Teacher(seed: 1), topK: 2)
        let student = try TinyModels.model(.gemma2(TinyModels.gemma2Config()), seed: 2)
        var batch = TestBatches.causal(Self.rows, length: 14)
        batch.targets[3] = -100
        #expect(throws: TrainingError.self) { try teacher.softTargets(for: batch, student: student) }
        #expect(throws: TrainingError.self) { try DistillationTeacher(model: try Self.gemma2Teacher(seed: 1), topK: 0) }
    }
}
