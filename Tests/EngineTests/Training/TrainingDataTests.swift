import Foundation
import Testing
@testable import Engine

/// `TrainingData` end to end with the gemma-like fixture tokenizer: every objective on both
/// architectures, determinism, resuming, the validation split.
@Suite struct TrainingDataTests {
    static let tokenizer = DataTestSupport.tokenizer

    /// A directory with a JSONL of text documents, a text file with several documents and a markdown
    /// file (several blocks with 1800 sentences), or JSONL conversations for sft.
    static func corpus(in dir: URL, conversations: Bool = false, bookSentences: Int = 400) throws -> URL {
        let data = dir.appendingPathComponent("corpus")
        if conversations {
            try DataTestSupport.write(DataTestSupport.chatJSONL(conversations: 30, seed: 1), to: data.appendingPathComponent("chat.jsonl"))
        } else {
            try DataTestSupport.write(DataTestSupport.textJSONL(documents: 30, sentencesEach: 1...12, seed: 1),
                                      to: data.appendingPathComponent("docs.jsonl"))
            let stories = (0..<5).map { DataTestSupport.sentences(3 + $0, seed: 50 + UInt64($0)) }.joined(separator: "\n<|endoftext|>\n")
            try DataTestSupport.write(stories, to: data.appendingPathComponent("notes/stories.txt"))
            try DataTestSupport.write(DataTestSupport.sentences(bookSentences, seed: 99), to: data.appendingPathComponent("book.md"))
        }
        return data
    }

    static func epoch(_ data: TrainingData, _ epoch: Int = 0) -> [TrainingBatch] {
        let plan = data.plan(epoch: epoch)
        return (0..<plan.batchCount).map { data.planner.batch(plan, index: $0) }
    }

    static let configurations: [DataOptions] = [
        DataOptions(objective: .clm, batchSize: 4, sequenceLength: 64),
        DataOptions(objective: .clm, batchSize: 4, sequenceLength: 64, packing: false),
        DataOptions(objective: .prefixlm, encoderDecoder: true, batchSize: 4, sequenceLength: 48, targetLength: 32),
        DataOptions(objective: .prefixlm, batchSize: 4, sequenceLength: 64, prefixSplit: .random(min: 0.3, max: 0.7)),
        DataOptions(objective: .ul2, encoderDecoder: true, batchSize: 4, sequenceLength: 64, targetLength: 48),
        DataOptions(objective: .ul2, batchSize: 4, sequenceLength: 96),
        DataOptions(objective: .sft, encoderDecoder: true, batchSize: 4, sequenceLength: 96, targetLength: 64),
        DataOptions(objective: .sft, batchSize: 4, sequenceLength: 128),
        DataOptions(objective: .prefixlm, encoderDecoder: true, batchSize: 4, sequenceLength: 48, targetLength: 32, packing: false),
        DataOptions(objective: .sft, encoderDecoder: true, batchSize: 4, sequenceLength: 256, targetLength: 192),
    ]

    @Test(arguments: configurations)
    func everyBatchIsWellFormed(options: DataOptions) throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        let data = try TrainingData(path: try Self.corpus(in: dir, conversations: options.objective == .sft),
                                    tokenizer: Self.tokenizer, options: options)
        #expect(data.trainDocumentCount > 0 && data.validationDocumentCount > 0)
        let batches = Self.epoch(data)
        #expect(!batches.isEmpty)
        // Every example but a decoder-only causal row (cut from anywhere in a document) starts with <bos>.
        let bos = options.objective == .clm ? nil : Self.tokenizer.bosID
        var packedRows = 0
        for batch in batches {
            // Includes: segments count up along each row with positions restarting at 0, an encoder
            // row and its decoder row hold the same segments, no target crosses into another example.
            #expect(DataTestSupport.problems(batch, options: options, pad: Self.tokenizer.padID, bos: bos) == [])
            #expect(batch.targetTokenCount > 0 && batch.softTargets == nil)
            #expect((batch.encoderInput != nil) == options.encoderDecoder)
            #expect((batch.decoderInput.segments != nil) == options.packing)
            #expect((batch.encoderInput?.segments != nil) == (options.packing && options.encoderDecoder))
            for r in 0..<batch.decoderInput.batch where DataTestSupport.segmentRuns(batch.decoderInput, row: r).count > 1 {
                packedRows += 1
            }
        }
        // The test corpus has short examples: packing puts several into some rows.
        #expect(options.packing == (packedRows > 0), "\(packedRows) rows with several examples")
        #expect(data.validationBatches(maxBatches: 2).count <= 2)
        #expect(!data.validationBatches(maxBatches: 100).isEmpty)
    }

    /// Each example of a batch as one list: its encoder tokens, its decoder tokens and its targets
    /// (rows split at segment changes; padding left out).
    static func examples(_ batch: TrainingBatch) -> [[Int32]] {
        func pieces(_ input: TokenBatch, row r: Int, _ values: [Int32]) -> [[Int32]] {
            var out: [[Int32]] = []
            var last: Int32? = nil
            for t in 0..<input.length where input.valid[r * input.length + t] {
                let i = r * input.length + t
                let segment = input.segments?[i] ?? 0
                if segment != last { out.append([]) }
                last = segment
                out[out.count - 1].append(values[i])
            }
            return out
        }
        let dec = batch.decoderInput, enc = batch.encoderInput!
        return (0..<dec.batch).flatMap { r in
            let e = pieces(enc, row: r, enc.ids), d = pieces(dec, row: r, dec.ids), t = pieces(dec, row: r, batch.targets)
            return e.indices.map { k in e[k] + [-1] + d[k] + [-2] + t[k] }
        }
    }

    /// Packing encoder-decoder rows changes the layout only: an epoch holds exactly the examples it
    /// holds unpacked (encoder input, decoder input and targets each), in fewer rows.
    @Test(arguments: [TrainingObjective.prefixlm, .ul2, .sft])
    func packedEncoderDecoderEpochHoldsTheUnpackedExamples(objective: TrainingObjective) throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        let path = try Self.corpus(in: dir, conversations: objective == .sft)
        var options = DataOptions(objective: objective, encoderDecoder: true, batchSize: 4, sequenceLength: 128, targetLength: 96)
        let packed = Self.epoch(try TrainingData(path: path, tokenizer: Self.tokenizer, options: options))
        options.packing = false
        let unpacked = Self.epoch(try TrainingData(path: path, tokenizer: Self.tokenizer, options: options))
        let a = packed.flatMap(Self.examples), b = unpacked.flatMap(Self.examples)
        #expect(a.count == b.count)
        #expect(a.map(\.description).sorted() == b.map(\.description).sorted())
        let rows = { (batches: [TrainingBatch]) in batches.reduce(0) { $0 + $1.decoderInput.batch } }
        #expect(rows(packed) < rows(unpacked), "\(rows(packed)) packed rows vs \(rows(unpacked))")
    }

    /// Causal LM learns every training token once per epoch, plus one `<eos>` per document.
    @Test func causalEpochLearnsEveryTrainingTokenOnce() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        for packing in [true, false] {
            let data = try TrainingData(path: try Self.corpus(in: dir, bookSentences: 1800), tokenizer: Self.tokenizer,
                                        options: DataOptions(objective: .clm, batchSize: 3, sequenceLength: 32, packing: packing))
            #expect(data.corpus.documentCount >= 30 + 5 + 2)   // the book is cut into blocks
            let ends = data.trainDocuments.filter { data.corpus.endsDocument($0) }.count
            let learnt = Self.epoch(data).reduce(0) { $0 + $1.targetTokenCount }
            // Each block's first token is only context unless a <bos> precedes it.
            let unlearnable = data.trainDocuments.filter { !data.corpus.startsDocument($0) }.count
            #expect(learnt == data.trainTokenCount + ends - unlearnable)
            let bos = Self.epoch(data).reduce(0) { $0 + $1.decoderInput.ids.filter { $0 == Self.tokenizer.bosID }.count }
            #expect(bos == data.trainDocuments.filter { data.corpus.startsDocument($0) }.count)
        }
    }

    @Test func sameSeedSameBatchesAndEpochsAreReshuffled() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        let path = try Self.corpus(in: dir)
        let options = DataOptions(objective: .ul2, encoderDecoder: true, batchSize: 2, sequenceLength: 64, targetLength: 32, seed: 7)
        let a = try TrainingData(path: path, tokenizer: Self.tokenizer, options: options)
        let b = try TrainingData(path: path, tokenizer: Self.tokenizer, options: options)
        var ia = a.batches(), ib = b.batches()
        for _ in 0..<12 { #expect(ia.next() == ib.next()) }
        #expect(a.validationBatches(maxBatches: 3) == b.validationBatches(maxBatches: 3))
        #expect(Self.epoch(a, 0) != Self.epoch(a, 1))
        var other = options
        other.seed = 8
        let c = try TrainingData(path: path, tokenizer: Self.tokenizer, options: other)
        #expect(Self.epoch(c, 0) != Self.epoch(a, 0))
    }

    @Test func resumingFromAPositionReproducesTheContinuation() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        let data = try TrainingData(path: try Self.corpus(in: dir), tokenizer: Self.tokenizer,
                                    options: DataOptions(objective: .prefixlm, batchSize: 4, sequenceLength: 96,
                                                         prefixSplit: .random(min: 0.2, max: 0.8), seed: 3))
        let perEpoch = data.plan(epoch: 0).batchCount
        #expect(perEpoch >= 3)
        var iterator = data.batches()
        var reference: [TrainingBatch] = []
        var positions: [DataPosition] = []
        for _ in 0..<(2 * perEpoch + 3) {
            positions.append(iterator.position)
            reference.append(iterator.next())
        }
        #expect(positions[perEpoch] == DataPosition(epoch: 1, index: 0))
        #expect(iterator.position == DataPosition(epoch: 2, index: 3))
        for start in [1, perEpoch - 1, perEpoch, perEpoch + 2] {
            // A fresh TrainingData (as after a restart), resumed from the saved position.
            let restarted = try TrainingData(path: try Self.corpus(in: dir), tokenizer: Self.tokenizer, options: data.options)
            let saved = try JSONDecoder().decode(DataPosition.self, from: JSONEncoder().encode(positions[start]))
            var resumed = restarted.batches(from: saved)
            for k in start..<reference.count { #expect(resumed.next() == reference[k], "batch \(k) resumed from \(start)") }
        }
    }

    @Test func optionsRoundTripThroughJSON() throws {
        let options = DataOptions(objective: .ul2, encoderDecoder: true, batchSize: 3, sequenceLength: 256, targetLength: 128,
                                  prefixSplit: .random(min: 0.25, max: 0.75), ul2: .original, packing: false,
                                  validationFraction: 0.1, seed: 12)
        let decoded = try JSONDecoder().decode(DataOptions.self, from: JSONEncoder().encode(options))
        #expect(decoded == options)
        #expect(DataOptions().ul2 == .t5Gemma2 && DataOptions().prefixSplit == .half && DataOptions().packing)
        #expect(UL2Mixture.t5Gemma2.denoisers.map(\.weight) == [1, 1, 1, 1, 4])
    }

    @Test func validationHoldsOutDocumentsBySeed() throws {
        let split = TrainingData.split(documents: 100, fraction: 0.1, seed: 1)
        #expect(split.validation.count == 10 && split.train.count == 90)
        #expect(Set(split.train).isDisjoint(with: split.validation) && Set(split.train + split.validation) == Set(0..<100))
        #expect(TrainingData.split(documents: 100, fraction: 0.1, seed: 1) == split)
        #expect(TrainingData.split(documents: 100, fraction: 0.1, seed: 2).validation != split.validation)
        #expect(TrainingData.split(documents: 5, fraction: 0.01, seed: 1).validation.count == 1)
        #expect(TrainingData.split(documents: 1, fraction: 0.5, seed: 1) == ([0], []))
        #expect(TrainingData.split(documents: 10, fraction: 0, seed: 1).validation.isEmpty)
    }

    @Test func optionsAndTokenizersThatCannotWorkAreRejected() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        let path = try Self.corpus(in: dir)
        func error(_ options: DataOptions, path: URL? = nil) -> DataError? {
            do { _ = try TrainingData(path: path ?? dir.appendingPathComponent("corpus"), tokenizer: Self.tokenizer, options: options); return nil }
            catch { return error as? DataError }
        }
        #expect(error(DataOptions(objective: .clm, encoderDecoder: true))?.description.contains("clm trains decoder-only") == true)
        #expect(error(DataOptions(batchSize: 0)) == .invalidOption(name: "batchSize", reason: "must be at least 1, got 0"))
        #expect(error(DataOptions(validationFraction: 1)) != nil)
        #expect(error(DataOptions(prefixSplit: .fixed(1.5))) != nil)
        let tooShort = UL2Mixture(denoisers: [UL2Denoiser(name: "X", task: .spanCorruption(meanSpanLength: 3, corruption: 0.5), weight: 1)])
        #expect(error(DataOptions(objective: .ul2, sequenceLength: 4, ul2: tooShort))
                == .invalidOption(name: "ul2.X", reason: "the sequence lengths are too short for span corruption"))
        // sft reads conversations, not text files.
        #expect(error(DataOptions(objective: .sft))?.description.contains("sft objective reads conversations from .jsonl") == true)
        let chats = dir.appendingPathComponent("bad.jsonl")
        try DataTestSupport.write(DataTestSupport.chatJSONL(conversations: 3, seed: 1)
                                  + "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n", to: chats)
        #expect(error(DataOptions(objective: .sft), path: chats)
                == .invalidRecord(file: chats.path, line: 4, reason: ConversationTokens.Problem.lastTurnNotModel.description))
        _ = path
    }
}
