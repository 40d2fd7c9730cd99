import Foundation
import Testing
@testable import Engine

/// The per-objective transforms from token documents to examples and batches.
@Suite struct ObjectiveTests {
    static let special = SpecialTokens(bos: 2, eos: 1, pad: 0, sentinels: Array(500..<520))
    /// Document tokens 100, 101, ...
    static func document(_ n: Int) -> [Int32] { (0..<n).map { 100 + Int32($0) } }

    @Test func causalRowsOverlapByOneAndLearnEveryTokenOnce() {
        let tokens = Self.document(10)
        let doc = DocumentInfo(index: 0, count: 10, startsDocument: true, endsDocument: true)
        let specs = CausalLMObjective.plan(doc, rowLength: 4)
        #expect(specs.map(\.start) == [0, 3, 6, 9])
        #expect(specs.map(\.length) == [4, 4, 4, 3])
        let examples = tokens.withUnsafeBufferPointer { buf in
            specs.map { CausalLMObjective.example($0, document: buf, startsDocument: true, endsDocument: true, special: Self.special) }
        }
        #expect(examples[0].tokens == [2, 100, 101, 102])
        #expect(examples[3].tokens == [108, 109, 1])
        #expect(examples.allSatisfy { $0.learn.first == false && $0.learn.dropFirst().allSatisfy { $0 } })
        // Every frame token but <bos> is learnt exactly once.
        let learnt = examples.flatMap { e in zip(e.tokens, e.learn).filter(\.1).map(\.0) }
        #expect(learnt == tokens + [1])
        #expect(examples.map(\.tokens.count) == specs.map { Int($0.decoderLength) })
    }

    @Test func causalBlocksInsideADocumentGetNoBOSOrEOS() {
        let tokens = Self.document(5)
        let doc = DocumentInfo(index: 3, count: 5, startsDocument: false, endsDocument: false)
        let specs = CausalLMObjective.plan(doc, rowLength: 8)
        #expect(specs.count == 1)
        let e = tokens.withUnsafeBufferPointer {
            CausalLMObjective.example(specs[0], document: $0, startsDocument: false, endsDocument: false, special: Self.special)
        }
        #expect(e.tokens == tokens)
        // A one-token block cannot teach anything and makes no example.
        #expect(CausalLMObjective.plan(DocumentInfo(index: 0, count: 1, startsDocument: false, endsDocument: false), rowLength: 8).isEmpty)
    }

    @Test func causalBatchTargetsMatchGemma2ShiftedTargets() {
        let tokens = Self.document(13)
        let doc = DocumentInfo(index: 0, count: 13, startsDocument: true, endsDocument: true)
        let examples = tokens.withUnsafeBufferPointer { buf in
            CausalLMObjective.plan(doc, rowLength: 6).map {
                CausalLMObjective.example($0, document: buf, startsDocument: true, endsDocument: true, special: Self.special)
            }
        }
        let batch = BatchAssembler.decoderOnly(examples.map { [$0] }, packed: false, pad: 0)
        #expect(batch.decoderInput.segments == nil)
        #expect(batch.decoderInput.length == 6)
        #expect(batch.targets == Gemma2Model.shiftedTargets(batch.decoderInput))
        #expect(batch.targetTokenCount == 14)   // 13 tokens + <eos>
    }

    @Test func prefixLMEncoderDecoderSplitsWindowsInHalves() {
        let tokens = Self.document(20)
        let doc = DocumentInfo(index: 0, count: 20, startsDocument: true, endsDocument: true)
        var random = DataRandom(seed: 1)
        let budget = PrefixLMObjective.Budget.encoderDecoder(encoderLength: 8, decoderLength: 8)
        let specs = PrefixLMObjective.plan(doc, split: .half, budget: budget, random: &random)
        #expect(specs.map(\.start) == [0, 14])
        #expect(specs.map(\.split) == [7, 3])
        let examples = tokens.withUnsafeBufferPointer { buf in
            specs.map { PrefixLMObjective.example($0, document: buf, special: Self.special, encoderDecoder: true) }
        }
        #expect(examples[0].encoder == [2] + Array(tokens[0..<7]))
        #expect(examples[0].tokens == Array(tokens[7..<14]))     // mid-document: no <eos>
        #expect(examples[1].encoder == [2, 114, 115, 116])
        #expect(examples[1].tokens == [117, 118, 119, 1])
        #expect(examples.allSatisfy { $0.learn.allSatisfy { $0 } })
        for (s, e) in zip(specs, examples) {
            #expect(Int(s.encoderLength) == e.encoder!.count && Int(s.decoderLength) == e.tokens.count)
        }
        let batch = BatchAssembler.encoderDecoder(examples.map { [$0] }, packed: false, bos: 2, pad: 0)
        let labels = examples.map { $0.tokens + Array(repeating: -100, count: 7 - $0.tokens.count) }
        // Where the decoder reads real tokens, they are T5GemmaModel's shifted labels.
        let shifted = T5GemmaModel.decoderInputs(labels: labels, bos: 2, pad: 0).flatMap { $0 }
        #expect(batch.decoderInput.valid == [true, true, true, true, true, true, true, true, true, true, true, false, false, false])
        #expect(zip(batch.decoderInput.ids, shifted).enumerated().allSatisfy { !batch.decoderInput.valid[$0.offset] || $0.element.0 == $0.element.1 })
        #expect(batch.targets == labels.flatMap { $0 })
        #expect(batch.encoderInput!.ids == [2] + Array(tokens[0..<7]) + [2, 114, 115, 116, 0, 0, 0, 0])
        #expect(batch.encoderInput!.valid == Array(repeating: true, count: 8) + [true, true, true, true, false, false, false, false])
    }

    @Test func prefixLMDecoderOnlyLearnsOnlyTheTarget() {
        let tokens = Self.document(11)
        let doc = DocumentInfo(index: 0, count: 11, startsDocument: true, endsDocument: true)
        var random = DataRandom(seed: 1)
        let specs = PrefixLMObjective.plan(doc, split: .half, budget: .decoderOnly(rowLength: 10), random: &random)
        #expect(specs.map(\.length) == [8, 3])
        let examples = tokens.withUnsafeBufferPointer { buf in
            specs.map { PrefixLMObjective.example($0, document: buf, special: Self.special, encoderDecoder: false) }
        }
        #expect(examples[0].tokens == [2] + Array(tokens[0..<8]))
        #expect(examples[0].learn == [false, false, false, false, false, true, true, true, true])
        #expect(examples[1].tokens == [2, 108, 109, 110, 1])
        #expect(examples[1].learn == [false, false, false, true, true])
        let batch = BatchAssembler.decoderOnly(examples.map { [$0] }, packed: false, pad: 0)
        // Row 0 predicts tokens 4..7 from positions 4..7; position 0..3 (prefix) have no target.
        #expect(Array(batch.targets[0..<9]) == [-100, -100, -100, -100, 104, 105, 106, 107, -100])
        #expect(Array(batch.targets[9..<18]) == [-100, -100, 110, 1, -100, -100, -100, -100, -100])
    }

    @Test func randomPrefixSplitStaysInRangeAndIsSeeded() {
        let doc = DocumentInfo(index: 0, count: 5000, startsDocument: true, endsDocument: true)
        let budget = PrefixLMObjective.Budget.encoderDecoder(encoderLength: 64, decoderLength: 64)
        var a = DataRandom(seed: 9), b = DataRandom(seed: 9)
        let specs = PrefixLMObjective.plan(doc, split: .random(min: 0.2, max: 0.6), budget: budget, random: &a)
        #expect(specs == PrefixLMObjective.plan(doc, split: .random(min: 0.2, max: 0.6), budget: budget, random: &b))
        #expect(specs.reduce(0) { $0 + Int($1.length) } == 5000)
        for s in specs.dropLast() {
            let f = Double(s.split) / Double(s.length)
            #expect(f > 0.2 - 0.02 && f < 0.6 + 0.02)
            #expect(s.encoderLength <= 64 && s.decoderLength <= 64)
        }
        #expect(Set(specs.map(\.split)).count > 5)
    }

    @Test func packedRowsHaveSegmentsAndRestartingPositions() {
        let a = TrainingExample(tokens: [2, 10, 11], learn: [false, true, true])
        let b = TrainingExample(tokens: [2, 20, 21, 22], learn: [false, false, true, true])
        let c = TrainingExample(tokens: [2, 30], learn: [false, true])
        let batch = BatchAssembler.decoderOnly([[a, b], [c]], packed: true, pad: 0)
        let input = batch.decoderInput
        #expect(input.length == 7)
        #expect(input.ids == [2, 10, 11, 2, 20, 21, 22, 2, 30, 0, 0, 0, 0, 0])
        #expect(input.positions == [0, 1, 2, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6])
        #expect(input.segments == [0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
        #expect(input.valid == [true, true, true, true, true, true, true, true, true, false, false, false, false, false])
        // No target crosses from one example into the next (position 2 -> the <bos> of b).
        #expect(batch.targets == [10, 11, -100, -100, 21, 22, -100, 30, -100, -100, -100, -100, -100, -100])
        #expect(DataTestSupport.problems(batch, options: DataOptions(batchSize: 2, sequenceLength: 8), pad: 0).isEmpty)
    }

    @Test func packedEncoderDecoderRowsShareSegmentsAndKeepTargetsInTheirExample() {
        let a = TrainingExample(encoder: [2, 10, 11], tokens: [12, 13], learnFrom: 0)
        let b = TrainingExample(encoder: [2, 20], tokens: [21, 22, 1], learn: [false, true, true])
        let c = TrainingExample(encoder: [2, 30, 31, 32], tokens: [33], learnFrom: 0)
        let batch = BatchAssembler.encoderDecoder([[a, b], [c]], packed: true, bos: 2, pad: 0)
        let enc = batch.encoderInput!, dec = batch.decoderInput
        #expect(enc.length == 5 && dec.length == 5)
        #expect(enc.ids == [2, 10, 11, 2, 20, 2, 30, 31, 32, 0])
        #expect(enc.positions == [0, 1, 2, 0, 1, 0, 1, 2, 3, 4])
        #expect(enc.segments == [0, 0, 0, 1, 1, 0, 0, 0, 0, 0])
        #expect(enc.valid == [true, true, true, true, true, true, true, true, true, false])
        // Each decoder segment is <bos> + its labels without the last.
        #expect(dec.ids == [2, 12, 2, 21, 22, 2, 0, 0, 0, 0])
        #expect(dec.positions == [0, 1, 0, 1, 2, 0, 1, 2, 3, 4])
        #expect(dec.segments == [0, 0, 1, 1, 1, 0, 0, 0, 0, 0])
        #expect(dec.valid == [true, true, true, true, true, true, false, false, false, false])
        // Targets are each example's own labels (b's first is not learnt); none reaches across.
        #expect(batch.targets == [12, 13, -100, 22, 1, 33, -100, -100, -100, -100])
        let options = DataOptions(objective: .prefixlm, encoderDecoder: true, batchSize: 2, sequenceLength: 8, targetLength: 8)
        #expect(DataTestSupport.problems(batch, options: options, pad: 0, bos: 2).isEmpty)
        // Unpacked, the same examples are one per row without segments.
        let single = BatchAssembler.encoderDecoder([[a], [b], [c]], packed: false, bos: 2, pad: 0)
        #expect(single.encoderInput!.segments == nil && single.decoderInput.segments == nil)
        #expect(single.decoderInput.ids == [2, 12, 0, 2, 21, 22, 2, 0, 0])
        #expect(single.targets == [12, 13, -100, -100, 22, 1, 33, -100, -100])
    }

    @Test func rowPackerFitsEncoderAndDecoderPartsTogether() {
        typealias Size = RowPacker.Size
        let sizes = [Size(encoder: 6, decoder: 1), Size(encoder: 2, decoder: 5), Size(encoder: 3, decoder: 2),
                     Size(encoder: 4, decoder: 4), Size(encoder: 8, decoder: 1), Size(encoder: 1, decoder: 6),
                     Size(encoder: 3, decoder: 3), Size(encoder: 6, decoder: 2), Size(encoder: 2, decoder: 3)]
        let capacity = Size(encoder: 8, decoder: 6)
        let rows = RowPacker.pack(sizes: sizes, capacity: capacity, openRows: 2)
        #expect(rows.flatMap { $0 }.sorted() == Array(0..<sizes.count))
        for row in rows {
            #expect(row.reduce(0) { $0 + sizes[$1].encoder } <= 8 && row.reduce(0) { $0 + sizes[$1].decoder } <= 6)
        }
        // [0, 1] fills both parts; [2, 3] fills the decoder part; 4 alone fills the encoder part and 5
        // the decoder part; 7 fits 6's row by its decoder part but not by its encoder part, so 8 joins 6.
        #expect(rows == [[0, 1], [2, 3], [4], [5], [6, 8], [7]])
    }

    @Test func rowPackerFillsRowsInOrderWithinCapacity() {
        let lengths = [5, 3, 8, 2, 6, 1, 4, 4, 7]
        let rows = RowPacker.pack(lengths: lengths, capacity: 8, openRows: 2)
        #expect(rows.flatMap { $0 }.sorted() == Array(0..<lengths.count))
        #expect(rows.allSatisfy { row in row.reduce(0) { $0 + lengths[$1] } <= 8 })
        #expect(rows.allSatisfy { row in row == row.sorted() })
        #expect(rows == [[0, 1], [2], [3, 4], [5, 6], [7], [8]])
        #expect(RowPacker.pack(lengths: lengths, capacity: 8) == RowPacker.pack(lengths: lengths, capacity: 8))
    }
}
