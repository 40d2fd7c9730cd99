import Testing
@testable import Engine
@testable import Tokenizers

/// Distillation on packed rows: a student row holding several prefix-LM examples gets, for each
/// example, the soft targets the teacher gives that example alone (one example per row), whatever the
/// two architectures.
@Suite struct PackedDistillationTests {
    /// Four prefix-LM examples of different lengths: (prefix, continuation).
    static let examples: [(prefix: [TokenID], continuation: [TokenID])] = {
        var corpus = MarkovCorpus(seed: 91)
        return [(4, 5), (6, 3), (3, 7), (5, 4)].map { split, rest in
            let s = corpus.sequence(length: split + rest)
            return (Array(s.prefix(split)), Array(s.dropFirst(split)))
        }
    }()

    /// The examples as `TrainingExample`s of a student architecture: decoder-only `<bos>` + prefix +
    /// continuation learning the continuation; encoder-decoder `<bos>` + prefix to the encoder and the
    /// continuation as labels.
    static func trainingExamples(encoderDecoder: Bool) -> [TrainingExample] {
        examples.map { e in
            if encoderDecoder {
                return TrainingExample(encoder: [2] + e.prefix, tokens: e.continuation,
                                       learn: Array(repeating: true, count: e.continuation.count))
            }
            let tokens = [2] + e.prefix + e.continuation
            return TrainingExample(tokens: tokens, learn: tokens.indices.map { $0 > e.prefix.count })
        }
    }

    static func batch(_ rows: [[TrainingExample]], packed: Bool, encoderDecoder: Bool) -> TrainingBatch {
        encoderDecoder ? BatchAssembler.encoderDecoder(rows, packed: packed, bos: 2, pad: 0)
            : BatchAssembler.decoderOnly(rows, packed: packed, pad: 0)
    }

    static func teacher(_ encoderDecoder: Bool) throws -> DistillationTeacher {
        let model: any LanguageModel = encoderDecoder ? try DistillationTests.t5gemmaTeacher(seed: 13)
            : try DistillationTests.gemma2Teacher(seed: 12)
        return try DistillationTeacher(model: model, topK: 4)
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func packedRowsGetEachExamplesOwnSoftTargets(studentIsEncoderDecoder: Bool, teacherIsEncoderDecoder: Bool) throws {
        let ed = studentIsEncoderDecoder
        let student = try TinyModels.model(ed ? .t5gemma(TinyModels.t5gemmaConfig()) : .gemma2(TinyModels.gemma2Config()), seed: 3)
        let teacher = try Self.teacher(teacherIsEncoderDecoder)
        let examples = Self.trainingExamples(encoderDecoder: ed)
        let packedRows = [[examples[0], examples[1]], [examples[2], examples[3]]]
        let packed = Self.batch(packedRows, packed: true, encoderDecoder: ed)
        let alone = Self.batch(examples.map { [$0] }, packed: false, encoderDecoder: ed)
        #expect(packed.decoderInput.segments != nil)
        let softPacked = try teacher.softTargets(for: packed, student: student)
        let softAlone = try teacher.softTargets(for: alone, student: student)
        let k = teacher.topK
        var compared = 0
        for (r, row) in packedRows.enumerated() {
            var offset = 0
            for (slot, example) in row.enumerated() {
                let e = r * 2 + slot
                for c in 0..<example.tokens.count {
                    let p = r * packed.decoderInput.length + offset + c, a = e * alone.decoderInput.length + c
                    #expect(packed.targets[p] == alone.targets[a])
                    guard alone.targets[a] != -100 else { continue }
                    compared += 1
                    #expect(Array(softPacked.ids[p * k..<(p + 1) * k]) == Array(softAlone.ids[a * k..<(a + 1) * k]), "example \(e) cell \(c)")
                    for j in 0..<k {
                        #expect(abs(softPacked.probabilities[p * k + j] - softAlone.probabilities[a * k + j]) < 1e-5)
                    }
                }
                offset += example.tokens.count
            }
        }
        #expect(compared == Self.examples.reduce(0) { $0 + $1.continuation.count })
        // Cells without a target (padding, prefixes) get no soft target.
        for cell in packed.targets.indices where packed.targets[cell] == -100 {
            #expect(softPacked.probabilities[cell * k..<(cell + 1) * k].allSatisfy { $0 == 0 })
        }
    }

    /// The distillation step itself trains on packed rows: soft and hard losses are finite and mixed.
    @Test func aPackedDistillationStepTrains() throws {
        let teacher = try Self.teacher(false)
        let student = try TinyModels.model(.t5gemma(TinyModels.t5gemmaConfig()), seed: 6)
        let examples = Self.trainingExamples(encoderDecoder: true)
        let batch = Self.batch([[examples[0], examples[1]], [examples[2], examples[3]]], packed: true, encoderDecoder: true)
        let config = TrainingConfig(steps: 2, learningRate: 1e-2,
                                    distillation: DistillationConfig(teacherDirectory: "(in memory)", topK: 4, weight: 0.5))
        let trainer = try Trainer(model: student, config: config, teacher: teacher)
        let report = try trainer.trainStep([batch])
        let soft = try #require(report.softLoss)
        #expect(soft.isFinite && soft > 0 && abs(report.loss - (0.5 * soft + 0.5 * report.hardLoss)) < 1e-9)
    }
}
