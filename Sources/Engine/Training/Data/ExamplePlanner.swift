/// Applies the configured objective to the corpus: plans the examples of a set of documents for one
/// epoch (drawing every random choice from the seed, the epoch and the document), packs them into
/// rows, and builds the batches.
struct ExamplePlanner: Sendable {
    let corpus: TokenCorpus
    let options: DataOptions
    let special: SpecialTokens
    let ul2: UL2Objective?

    /// What the random streams are for (part of each stream's seed).
    enum Stream: UInt64 {
        case documentChoices = 1
        case exampleOrder = 2
        case validationSplit = 3
    }

    /// The epoch key of the fixed validation plan.
    static let validationEpoch = UInt64.max

    init(corpus: TokenCorpus, options: DataOptions, special: SpecialTokens) throws {
        self.corpus = corpus
        self.options = options
        self.special = special
        ul2 = options.objective == .ul2
            ? try UL2Objective(mixture: options.ul2, budget: Self.budget(options), sentinelCount: special.sentinels.count) : nil
    }

    static func budget(_ options: DataOptions) -> PrefixLMObjective.Budget {
        options.encoderDecoder
            ? .encoderDecoder(encoderLength: options.sequenceLength, decoderLength: options.decoderLength)
            : .decoderOnly(rowLength: options.sequenceLength)
    }

    func info(_ d: Int) -> DocumentInfo {
        DocumentInfo(index: d, count: corpus.tokenCount(d), startsDocument: corpus.startsDocument(d), endsDocument: corpus.endsDocument(d))
    }

    /// The examples of document `d` in epoch `epoch`.
    func specs(document d: Int, epoch: UInt64) -> [ExampleSpec] {
        var random = DataRandom(seed: options.seed, Stream.documentChoices.rawValue, epoch, UInt64(d))
        let doc = info(d)
        switch options.objective {
        case .clm:
            return CausalLMObjective.plan(doc, rowLength: options.sequenceLength)
        case .prefixlm:
            return PrefixLMObjective.plan(doc, split: options.prefixSplit, budget: Self.budget(options), random: &random)
        case .ul2:
            return ul2!.plan(doc, random: &random)
        case .sft:
            return SFTObjective.plan(doc, learn: corpus.learn(d)!, encoderLength: options.encoderDecoder ? options.sequenceLength : nil,
                                     decoderLength: options.decoderLength)
        }
    }

    /// The tokens of a planned example.
    func example(_ spec: ExampleSpec) -> TrainingExample {
        let d = Int(spec.document)
        let tokens = corpus.tokens(d)
        switch spec.kind {
        case .causal:
            return CausalLMObjective.example(spec, document: tokens, startsDocument: corpus.startsDocument(d),
                                             endsDocument: corpus.endsDocument(d), special: special)
        case .prefix:
            return PrefixLMObjective.example(spec, document: tokens, special: special, encoderDecoder: options.encoderDecoder)
        case .spanCorruption:
            return UL2Objective.spanExample(spec, document: tokens, special: special, encoderDecoder: options.encoderDecoder)
        case .conversation:
            return SFTObjective.example(spec, document: tokens, learn: corpus.learn(d)!, special: special,
                                        encoderDecoder: options.encoderDecoder)
        }
    }

    /// The plan of `documents` for `epoch`: their examples, shuffled, in rows.
    func plan(documents: [Int], epoch: UInt64) -> EpochPlan {
        var specs: [ExampleSpec] = []
        for d in documents { specs += self.specs(document: d, epoch: epoch) }
        var order = DataRandom(seed: options.seed, Stream.exampleOrder.rawValue, epoch)
        order.shuffle(&specs)
        let rows: [[Int]]
        if !options.packing {
            rows = RowPacker.unpacked(count: specs.count)
        } else if options.encoderDecoder {
            rows = RowPacker.pack(sizes: specs.map { RowPacker.Size(encoder: Int($0.encoderLength), decoder: Int($0.decoderLength)) },
                                  capacity: RowPacker.Size(encoder: options.sequenceLength, decoder: options.decoderLength))
        } else {
            rows = RowPacker.pack(lengths: specs.map { Int($0.decoderLength) }, capacity: options.sequenceLength)
        }
        return EpochPlan(specs: specs, rows: rows, batchSize: options.batchSize)
    }

    /// Batch `index` of `plan` (`shard`'s rows of it; a shard with no rows in a short last batch gets
    /// a batch of zero rows).
    func batch(_ plan: EpochPlan, index: Int, shard: DataShard = .whole) -> TrainingBatch {
        let rows = plan.batchRows(index, shard: shard).map { row in row.map { example(plan.specs[$0]) } }
        if options.encoderDecoder {
            return BatchAssembler.encoderDecoder(rows, packed: options.packing, bos: special.bos, pad: special.pad)
        }
        return BatchAssembler.decoderOnly(rows, packed: options.packing, pad: special.pad)
    }
}

/// One epoch's examples in order and rows, grouped into batches of `batchSize` rows (the last batch
/// may be smaller).
final class EpochPlan: @unchecked Sendable {
    let specs: [ExampleSpec]
    private let rowStarts: [Int]
    private let rowItems: [Int32]
    let batchSize: Int

    init(specs: [ExampleSpec], rows: [[Int]], batchSize: Int) {
        self.specs = specs
        self.batchSize = batchSize
        var starts = [0]
        var items: [Int32] = []
        items.reserveCapacity(specs.count)
        for row in rows {
            items += row.map(Int32.init)
            starts.append(items.count)
        }
        rowStarts = starts
        rowItems = items
    }

    var rowCount: Int { rowStarts.count - 1 }
    var batchCount: Int { (rowCount + batchSize - 1) / batchSize }

    /// Example indices of each row of batch `index` (of `shard`'s rows of it).
    func batchRows(_ index: Int, shard: DataShard = .whole) -> [[Int]] {
        let lo = index * batchSize, hi = min(lo + batchSize, rowCount)
        return shard.rows(of: lo..<hi, batchSize: batchSize).map { r in rowItems[rowStarts[r]..<rowStarts[r + 1]].map(Int.init) }
    }
}
